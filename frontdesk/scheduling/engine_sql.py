"""The availability engine's hot reads, written in SQL.

Building these four querysets through the ORM cost about 2.5 ms per call — more than running
them (0.1 ms each) and more than all the engine's arithmetic. So they are plain SQL over the
models' tables. Tenancy is not bypassed: every query carries the chain filter of the current
scope (`current_chain_id()`, which refuses to run outside a scope), as ScopedManager would.
"""

from __future__ import annotations

import datetime

from django.db import connection

from frontdesk.catalog.models import Service
from frontdesk.core.dbfunctions import sql_expression
from frontdesk.core.scopes import current_chain_id
from frontdesk.scheduling.models import GroupEvent, GroupEventStatus, Record, RecordStatus
from frontdesk.staff.models import Absence, Specialist, SpecialistService, WorkInterval


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(alias: str, name: str) -> str:
    return f"{alias}.{connection.ops.quote_name(name)}"


def _in(column: str, values, params: list) -> str:
    values = list(values)
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _chain(alias: str, params: list) -> str:
    chain_id = current_chain_id()
    if chain_id is None:  # scopes disabled on purpose (system code)
        return "1 = 1"
    params.append(chain_id)
    return f"{_col(alias, 'chain_id')} = %s"


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dt(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _date(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def services_with_resources(company_id: int, service_ids, online: bool) -> list[tuple]:
    """(id, duration, buffer_before, buffer_after, resource_id or None) for bookable services."""
    params: list = []
    through = Service.resources.through
    where = [_chain("s", params), f"{_col('s', 'company_id')} = %s"]
    params.append(company_id)
    where.append(_in(_col("s", "id"), service_ids, params))
    where.append(f"{_col('s', 'is_archived')} = %s")
    params.append(False)
    if online:
        where.append(f"{_col('s', 'online_booking')} = %s")
        params.append(True)
    sql = (
        f"SELECT {_col('s', 'id')}, {_col('s', 'duration')}, {_col('s', 'buffer_before')}, "
        f"{_col('s', 'buffer_after')}, {_col('r', 'resource_id')} "
        f"FROM {_table(Service)} s LEFT JOIN {_table(through)} r ON {_col('r', 'service_id')} = {_col('s', 'id')} "
        f"WHERE {' AND '.join(where)}"
    )
    return _rows(sql, params)


def performers(company_id: int, service_ids, specialist_ids, online: bool) -> list[tuple]:
    """(specialist_id, service_id, own duration or None) of active specialists of the branch."""
    params: list = []
    companies = Specialist.companies.through
    where = [_chain("l", params), _in(_col("l", "service_id"), service_ids, params)]
    if specialist_ids is not None:
        where.append(_in(_col("l", "specialist_id"), specialist_ids, params))
    where.append(f"{_col('p', 'is_dismissed')} = %s")
    params.append(False)
    if online:
        where.append(f"{_col('p', 'hidden_online')} = %s")
        params.append(False)
    where.append(
        f"EXISTS (SELECT 1 FROM {_table(companies)} c WHERE {_col('c', 'specialist_id')} = {_col('p', 'id')} "
        f"AND {_col('c', 'company_id')} = %s)"
    )
    params.append(company_id)
    sql = (
        f"SELECT {_col('l', 'specialist_id')}, {_col('l', 'service_id')}, {_col('l', 'duration')} "
        f"FROM {_table(SpecialistService)} l JOIN {_table(Specialist)} p ON {_col('p', 'id')} = {_col('l', 'specialist_id')} "
        f"WHERE {' AND '.join(where)}"
    )
    return _rows(sql, params)


def working_intervals(company_id: int, specialist_ids, day_from: datetime.date, day_to: datetime.date) -> list[tuple]:
    """(specialist_id, epoch day, start minute, end minute) in the branch, absences left out."""
    vendor = connection.vendor
    params: list = []
    where = [_chain("w", params), f"{_col('w', 'company_id')} = %s"]
    params.append(company_id)
    where.append(_in(_col("w", "specialist_id"), specialist_ids, params))
    where.append(f"{_col('w', 'date')} >= %s AND {_col('w', 'date')} <= %s")
    params.extend([_date(day_from), _date(day_to)])
    where.append(
        f"NOT EXISTS (SELECT 1 FROM {_table(Absence)} a WHERE {_col('a', 'specialist_id')} = {_col('w', 'specialist_id')} "
        f"AND {_col('a', 'date_from')} <= {_col('w', 'date')} AND {_col('a', 'date_to')} >= {_col('w', 'date')})"
    )
    sql = (
        f"SELECT {_col('w', 'specialist_id')}, {sql_expression(vendor, 'epoch_day', _col('w', 'date'))}, "
        f"{sql_expression(vendor, 'minute_of_day', _col('w', 'start'))}, "
        f"{sql_expression(vendor, 'minute_of_day', _col('w', 'end'))} "
        f"FROM {_table(WorkInterval)} w WHERE {' AND '.join(where)}"
    )
    return _rows(sql, params)


def busy_blocks(specialist_ids, lowest_start, window_start, window_end, ignore_record_ids=()) -> list[tuple]:
    """(specialist_id, start minute, end minute) of holding records and scheduled classes that
    overlap the window, in any branch of the network."""
    vendor = connection.vendor
    params: list = []
    where = [_chain("r", params), _in(_col("r", "specialist_id"), specialist_ids, params)]
    where.append(
        f"{_col('r', 'block_start')} >= %s AND {_col('r', 'block_start')} < %s AND {_col('r', 'block_end')} > %s"
    )
    params.extend([_dt(lowest_start), _dt(window_end), _dt(window_start)])
    where.append(_in(_col("r", "status"), [str(s) for s in RecordStatus.HOLDING], params))
    where.append(f"{_col('r', 'overbooked')} = %s AND {_col('r', 'group_event_id')} IS NULL")
    params.append(False)
    if ignore_record_ids:
        where.append("NOT " + _in(_col("r", "id"), ignore_record_ids, params))
    records = (
        f"SELECT {_col('r', 'specialist_id')}, {sql_expression(vendor, 'epoch_minute', _col('r', 'block_start'))}, "
        f"{sql_expression(vendor, 'epoch_minute_ceil', _col('r', 'block_end'))} "
        f"FROM {_table(Record)} r WHERE {' AND '.join(where)}"
    )
    where = [_chain("g", params), _in(_col("g", "specialist_id"), specialist_ids, params)]
    where.append(f"{_col('g', 'start')} >= %s AND {_col('g', 'start')} < %s AND {_col('g', 'end')} > %s")
    params.extend([_dt(lowest_start), _dt(window_end), _dt(window_start)])
    where.append(f"{_col('g', 'status')} = %s")
    params.append(str(GroupEventStatus.SCHEDULED))
    classes = (
        f"SELECT {_col('g', 'specialist_id')}, {sql_expression(vendor, 'epoch_minute', _col('g', 'start'))}, "
        f"{sql_expression(vendor, 'epoch_minute_ceil', _col('g', 'end'))} "
        f"FROM {_table(GroupEvent)} g WHERE {' AND '.join(where)}"
    )
    return _rows(f"{records} UNION ALL {classes}", params)
