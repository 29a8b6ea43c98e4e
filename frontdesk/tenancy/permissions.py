from functools import wraps

from django.core.exceptions import PermissionDenied

from frontdesk.accounts.permissions import Level


def section_required(section: str, level: int = Level.VIEW):
    """Refuse the view (403) unless the member has `level` in `section` of this network.

    Every back-office view under /c/<company_id>/ carries this decorator; a test walks the URL
    configuration and fails for a view without it, so a check cannot be forgotten.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None or not membership.can(section, level):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.frontdesk_section = (section, level)
        return wrapped

    return decorator


def any_member(view):
    """A back-office view every member of the branch may open (the overview, own profile)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, "membership", None) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.frontdesk_section = (None, 0)
    return wrapped
