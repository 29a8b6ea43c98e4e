"""State changes of the client base. Views, imports, the API and booking all call these."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.clients.models import MAX_FILE_SIZE, Client, ClientFile, ClientStats, ClientWord, CustomField, FieldKind
from frontdesk.clients.signals import client_merged
from frontdesk.core.audit import log_action
from frontdesk.core.files import DOWNLOAD_TYPE, raster_type
from frontdesk.core.locking import lock_row, lock_rows
from frontdesk.core.models import Event, EventAction
from frontdesk.core.phones import normalize_phone
from frontdesk.core.spreadsheets import cell_date


def find_or_create_client(*, chain, phone: str, name: str = "", email: str = "") -> Client:
    """The network's card for this phone, created if new. Phones in any writing meet on one card,
    and two requests racing with the same new phone end on the same card (unique constraint)."""
    phone = normalize_phone(phone)
    client = Client.objects.filter(chain=chain, phone=phone).first()
    if client is not None:
        return client
    try:
        with transaction.atomic():
            return Client.objects.create(chain=chain, phone=phone, name=name.strip(), email=email.strip())
    except IntegrityError:
        return Client.objects.get(chain=chain, phone=phone)


# ---------------------------------------------------------------- custom fields
def clean_custom_values(chain, values: dict, definitions=None) -> dict:
    """Values of the network's custom fields, checked against their definitions: unknown keys are
    dropped, empty values removed, numbers and dates parsed, choices kept to the list."""
    if definitions is None:
        definitions = list(CustomField.objects.filter(chain=chain))
    cleaned, errors = {}, []
    for field in definitions:
        raw = values.get(field.key)
        if raw in (None, ""):
            continue
        text = str(raw).strip()
        if field.kind == FieldKind.NUMBER:
            try:
                number = Decimal(text.replace(",", ".").replace(" ", ""))
                if not number.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(_("%(field)s: “%(value)s” is not a number.") % {"field": field.label, "value": text})
                continue
            cleaned[field.key] = str(number)
        elif field.kind == FieldKind.DATE:
            if isinstance(raw, datetime.date):
                cleaned[field.key] = raw.isoformat()
                continue
            try:
                cleaned[field.key] = cell_date(text).isoformat()
            except ValueError:
                errors.append(_("%(field)s: “%(value)s” is not a date.") % {"field": field.label, "value": text})
        elif field.kind == FieldKind.CHOICE:
            if text not in field.choices:
                errors.append(
                    _("%(field)s: “%(value)s” is not one of the choices.") % {"field": field.label, "value": text}
                )
                continue
            cleaned[field.key] = text
        else:
            cleaned[field.key] = text[:1000]
    if errors:
        raise ValidationError(errors)
    return cleaned


# ---------------------------------------------------------------- categories
def change_categories(clients, category, *, add: bool) -> int:
    """Add `category` to (or take it from) every client of the queryset; returns how many."""
    through = Client.categories.through
    with transaction.atomic():
        ids = list(clients.values_list("pk", flat=True))
        if add:
            have = set(
                through.objects.filter(clientcategory=category, client_id__in=ids).values_list("client_id", flat=True)
            )
            through.objects.bulk_create(
                [through(client_id=pk, clientcategory_id=category.pk) for pk in ids if pk not in have],
                batch_size=500,
            )
        else:
            through.objects.filter(clientcategory=category, client_id__in=ids).delete()
        log_action(
            category,
            code="client_category.added" if add else "client_category.removed",
            changes={"clients": len(ids)},
        )
    return len(ids)


# ---------------------------------------------------------------- merge
def merge_clients(target: Client, source: Client) -> Client:
    """Join the duplicate `source` into `target` and delete `source`.

    Every row of any app that points to a client (records, visits, waiting list, and whatever
    later modules add: payments, loyalty cards, messages) is moved by walking
    `Client._meta.related_objects`, so a new module needs no change here. Empty fields of the
    target are filled from the source; the source's phone becomes an additional phone. All in
    one transaction: either everything moves or nothing does.
    """
    if target.pk == source.pk:
        raise ValidationError(_("A client cannot be merged into the same client."), code="same")
    if target.chain_id != source.chain_id:
        raise ValidationError(_("Clients of different networks cannot be merged."), code="chain")
    with transaction.atomic():
        # Lock both cards in primary-key order, then re-read them.
        locked = lock_rows(Client.objects.filter(pk__in=[target.pk, source.pk]))
        if len(locked) != 2:
            raise ValidationError(_("One of the clients no longer exists."), code="gone")
        target, source = locked[target.pk], locked[source.pk]
        moved = {}
        for relation in Client._meta.related_objects:
            model = relation.related_model
            if relation.many_to_many:
                field = relation.field  # a many-to-many on another model pointing to clients
                through = field.remote_field.through
                source_col, target_col = field.m2m_reverse_field_name(), field.m2m_field_name()
                existing = set(
                    through._base_manager.filter(**{source_col: target.pk}).values_list(target_col, flat=True)
                )
                rows = through._base_manager.filter(**{source_col: source.pk})
                rows.filter(**{f"{target_col}__in": existing}).delete()
                moved[model._meta.label_lower] = rows.update(**{source_col: target.pk})
                continue
            if not (relation.one_to_many or relation.one_to_one) or model in (ClientStats, ClientWord):
                continue  # the totals are recomputed (client_merged), not moved; the words are the card's own
            field_name = relation.field.name
            rows = model._base_manager.filter(**{field_name: source.pk})
            if model is Client:  # clients this duplicate recommended; never a client its own referrer
                rows = rows.exclude(pk=target.pk)
            try:
                with transaction.atomic():
                    count = rows.update(**{field_name: target.pk})
            except IntegrityError:
                raise ValidationError(
                    _("Both clients have %(what)s that cannot be joined; resolve it first.")
                    % {"what": model._meta.verbose_name_plural},
                    code="conflict",
                ) from None
            if count:
                moved[model._meta.label_lower] = count
        # The card's own many-to-many: categories.
        target.categories.add(*source.categories.all())
        changes = _fill_from(target, source)
        if target.referrer_id == source.pk:
            target.referrer = source.referrer if source.referrer_id != target.pk else None
        source_repr, source_pk = str(source), source.pk
        source.delete()
        target.save()
        # Rows moved by a queryset update send no model signals: the apps above that keep figures
        # of the client (the journal: its totals) hear it here, in this transaction.
        client_merged.send(client=target, merged_client_id=source_pk)
        log_action(
            target,
            code="client.merged",
            changes={"merged_client": [source_pk, source_repr], "moved": moved, "filled": changes},
        )
    return target


def _fill_from(target: Client, source: Client) -> list[str]:
    filled = []
    for name in ("name", "email", "gender", "birthday", "importance", "source", "source_note", "referrer_id"):
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
            filled.append(name)
    if not target.phone and source.phone:
        target.phone, source.phone = source.phone, ""
        Client.objects.filter(pk=source.pk).update(phone="")
        filled.append("phone")
    phones = list(target.extra_phones or [])
    for phone in [source.phone, *(source.extra_phones or [])]:
        if phone and phone != target.phone and phone not in phones:
            phones.append(phone)
    if source.phone:
        # Free the unique phone before the target may take it.
        Client.objects.filter(pk=source.pk).update(phone="")
    target.extra_phones = phones
    if source.comment and source.comment not in target.comment:
        target.comment = "\n".join(filter(None, [target.comment, source.comment]))
    target.discount = max(target.discount, source.discount)
    target.sms_consent = target.sms_consent or source.sms_consent
    target.email_consent = target.email_consent or source.email_consent
    target.custom = {**(source.custom or {}), **(target.custom or {})}
    target.imported_visits += source.imported_visits
    target.imported_spend += source.imported_spend
    return filled


def find_duplicates(chain, limit: int = 50):
    """Groups of cards that look like one person: the same email, the same name, or one card's
    phone among another's additional phones. Returns [(reason, [clients])]."""
    from django.db.models import Count

    groups = []
    base = Client.objects.filter(chain=chain, erased_at__isnull=True)
    emails = (
        base.exclude(email="").values("email").annotate(n=Count("id")).filter(n__gt=1).values_list("email", flat=True)
    )
    for email in list(emails[:limit]):
        groups.append((_("Same email"), list(base.filter(email=email))))
    names = (
        base.exclude(name_search="")
        .values("name_search")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name_search", flat=True)
    )
    for name in list(names[:limit]):
        groups.append((_("Same name"), list(base.filter(name_search=name))))
    with_extra = base.exclude(extra_phones=[]).only("pk", "name", "phone", "extra_phones")[:2000]
    extra = {p: c for c in with_extra for p in c.extra_phones or []}
    if extra:
        for other in base.filter(phone__in=list(extra)):
            owner = extra[other.phone]
            if owner.pk != other.pk:
                groups.append((_("Same phone"), [owner, other]))
    return groups[:limit]


# ---------------------------------------------------------------- privacy
def erase_client(client: Client) -> Client:
    """Anonymise a card on the client's request: personal data, custom fields, comments and files
    go; records, visits and money rows stay (the accounts must still add up), now pointing to
    an anonymous card. The event log keeps that it happened, not what was there."""
    with transaction.atomic():
        client = lock_row(Client.objects, client.pk)
        file_ids = [str(pk) for pk in client.files.values_list("pk", flat=True)]
        note_ids = [str(pk) for pk in client.notes.values_list("pk", flat=True)]
        for stored in client.files.all():
            stored.file.delete(save=False)
            stored.delete()
        client.notes.all().delete()
        client.categories.clear()
        client.name = _("Deleted client")
        client.phone = ""
        client.extra_phones = []
        client.email = ""
        client.gender = ""
        client.birthday = None
        client.comment = ""
        client.custom = {}
        client.source_note = ""
        client.sms_consent = client.email_consent = False
        client.erased_at = timezone.now()
        client.save()
        # The log's old values would still hold the phone and name: blank them for this card.
        Event.objects.filter(object_type="clients.client", object_id=str(client.pk)).update(
            changes={}, object_repr=client.name
        )
        Event.objects.filter(object_type="clients.clientfile", object_id__in=file_ids).update(
            changes={}, object_repr=""
        )
        Event.objects.filter(object_type="clients.clientnote", object_id__in=note_ids).update(
            changes={}, object_repr=""
        )
        log_action(client, EventAction.OTHER, code="client.erased")
    return client


def save_file(client: Client, upload, *, kind: str, title: str, user) -> ClientFile:
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": MAX_FILE_SIZE // (1024 * 1024)}, code="size"
        )
    # The type kept is what the content is: a picture only if Pillow reads it as one, whatever
    # type the browser declared (an "image/png" that is really a page is kept as a download).
    declared = (getattr(upload, "content_type", "") or "")[:100]
    content_type = raster_type(upload) or (DOWNLOAD_TYPE if declared.startswith("image/") else declared)
    return ClientFile.objects.create(
        chain_id=client.chain_id,
        client=client,
        kind=kind,
        title=title or upload.name[:150],
        file=upload,
        size=upload.size,
        content_type=content_type,
        uploaded_by=user,
    )


# ---------------------------------------------------------------- the API's card edits
def _clean_client_fields(chain, *, name: str, phone: str, email: str, exclude_pk=None) -> dict:
    name = (name or "").strip()
    email = (email or "").strip()
    phone = normalize_phone(phone) if (phone or "").strip() else ""
    if not name and not phone:
        raise ValidationError(_("Enter the client's name or phone."))
    if email:
        validate_email(email)
    if phone and Client.objects.filter(chain=chain, phone=phone).exclude(pk=exclude_pk).exists():
        raise ValidationError(_("The network already has a client with this phone."))
    return {"name": name[:150], "phone": phone, "email": email[:254]}


def create_client(*, chain, name: str = "", phone: str = "", email: str = "", comment: str = "") -> Client:
    """A new card in the network's client base; one card per phone (ValidationError otherwise)."""
    with transaction.atomic():
        fields = _clean_client_fields(chain, name=name, phone=phone, email=email)
        try:
            with transaction.atomic():
                return Client.objects.create(chain=chain, comment=comment or "", **fields)
        except IntegrityError:
            raise ValidationError(_("The network already has a client with this phone.")) from None


def update_client(client: Client, **changes) -> Client:
    """Change a card's name, phone, email or comment; the phone stays unique in the network."""
    with transaction.atomic():
        client = lock_row(Client.objects, client.pk)
        current = {"name": client.name, "phone": client.phone, "email": client.email}
        current.update({k: v for k, v in changes.items() if k in current and v is not None})
        fields = _clean_client_fields(client.chain_id, exclude_pk=client.pk, **current)
        for key, value in fields.items():
            setattr(client, key, value)
        if changes.get("comment") is not None:
            client.comment = changes["comment"]
        client.save()
        return client
