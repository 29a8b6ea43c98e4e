"""Integer interval arithmetic for the scheduling engine: half-open [start, end) in minutes."""

from __future__ import annotations

from bisect import bisect_right

Interval = tuple[int, int]


def normalise(intervals) -> list[Interval]:
    """Sorted, merged, non-empty intervals."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def subtract(free: list[Interval], busy: list[Interval]) -> list[Interval]:
    """`free` minus `busy`; both normalised. Linear in their lengths."""
    result: list[Interval] = []
    j = 0
    n = len(busy)
    for start, end in free:
        cursor = start
        while j < n and busy[j][1] <= cursor:
            j += 1
        k = j
        while k < n and busy[k][0] < end:
            b_start, b_end = busy[k]
            if b_start > cursor:
                result.append((cursor, b_start))
            cursor = max(cursor, b_end)
            if cursor >= end:
                break
            k += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def covers(intervals: list[Interval], start: int, end: int) -> bool:
    """True if [start, end) lies inside one interval of the normalised list."""
    i = bisect_right(intervals, (start, float("inf"))) - 1
    return i >= 0 and intervals[i][0] <= start and end <= intervals[i][1]


def saturated(bookings: list[Interval], capacity: int) -> list[Interval]:
    """The spans where at least `capacity` of the (possibly overlapping) bookings are active."""
    events = []
    for start, end in bookings:
        if end > start:
            events.append((start, 1))
            events.append((end, -1))
    events.sort(key=lambda e: (e[0], e[1]))  # ends before starts at the same minute
    full: list[Interval] = []
    active = 0
    opened = None
    for minute, delta in events:
        active += delta
        if active >= capacity and opened is None:
            opened = minute
        elif active < capacity and opened is not None:
            if minute > opened:
                full.append((opened, minute))
            opened = None
    return normalise(full)
