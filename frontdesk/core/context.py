"""Who is acting and from where: read by the event log for every change it records."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    SYSTEM = "system", _("System")
    BOOKING = "booking", _("Online booking")


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    source: str = Source.SYSTEM
    ip: str | None = None


_actor: ContextVar[Actor] = ContextVar("frontdesk_actor", default=Actor())


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def acting_as(user=None, source: str = Source.SYSTEM, ip: str | None = None):
    token = _actor.set(Actor(user_id=getattr(user, "pk", user), source=source, ip=ip))
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(actor: Actor):
    return _actor.set(actor)


def reset_actor(token) -> None:
    _actor.reset(token)
