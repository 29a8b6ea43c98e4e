"""User tokens die with the access they stand for. Listened to on the models themselves, so that
every path revokes them — the profile's password form, the reset link, the admin, `manage.py
changepassword`, the team page, a membership deleted with its network:

- the password is set anew (`User.set_password` then `save`): every user token of the person, in
  every network. Django's transparent re-hash on login clears `_password` before it saves, so
  it does not count as a change;
- a membership is deactivated or deleted: the person's tokens in that network."""

from django.db.models.signals import post_delete, post_save

from frontdesk.accounts.models import Membership, User
from frontdesk.api.services import revoke_user_tokens


def _user_saved(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_password", None) is not None:
        revoke_user_tokens(user_id=instance.pk)


def _membership_saved(sender, instance, created, **kwargs):
    if not instance.is_active:
        revoke_user_tokens(user_id=instance.user_id, chain_id=instance.chain_id)


def _membership_deleted(sender, instance, **kwargs):
    revoke_user_tokens(user_id=instance.user_id, chain_id=instance.chain_id)


def connect() -> None:
    post_save.connect(_user_saved, sender=User, dispatch_uid="api_user_password_changed")
    post_save.connect(_membership_saved, sender=Membership, dispatch_uid="api_membership_ended")
    post_delete.connect(_membership_deleted, sender=Membership, dispatch_uid="api_membership_deleted")
