"""Real threads, each with its own database connection, racing through the same code."""

import threading

from django.db import connection


def race(n: int, attempt, refusals: tuple[type[Exception], ...]):
    """Run `attempt(i)` in n threads released at once. Returns [(outcome, value)] with outcome
    "ok" (the result), "refused" (one of the expected refusals, e.g. SlotTaken) or "error" (anything
    else: a bug the test must show)."""
    barrier = threading.Barrier(n)
    outcomes = []
    lock = threading.Lock()

    def run(i):
        try:
            barrier.wait()
            result = attempt(i)
            with lock:
                outcomes.append(("ok", result))
        except refusals as exc:
            with lock:
                outcomes.append(("refused", exc))
        except Exception as exc:
            with lock:
                outcomes.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes
