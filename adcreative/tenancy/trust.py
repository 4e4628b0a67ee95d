"""How long a web process trusts an application it has checked: API_KEY_CACHE_SECONDS.

Every API request names its application by an API key and secret or by a JWT; looking the application up
costs more than the rest of a progress poll or a repeated download. A process remembers the checks that
passed (never the refusals) for API_KEY_CACHE_SECONDS: a disabled application, or a key changed in
another process, is refused by every process within that time. A change saved in this process (the admin,
a management command) is seen at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from typing import Any

from django.conf import settings
from django.db.models.base import ModelState

from adcreative.memo import Memo
from adcreative.tenancy.models import Application

_FIELDS = [field.attname for field in Application._meta.concrete_fields]
_checked: Memo[dict[str, Any]] = Memo(max_entries=4096)


def recall(key: Hashable) -> Application | None:
    """The application a check under `key` found, as a fresh instance (requests never share one: nothing
    one request caches on its instance reaches another). Built as unpickling builds a model instance,
    without Model.__init__, which would cost more than the rest of the check."""
    values = _checked.get(key)
    if values is None:
        return None
    application = Application.__new__(Application)
    application.__dict__.update(values)
    application._state = ModelState()
    application._state.adding, application._state.db = False, "default"
    return application


def remember(key: Hashable, application: Application) -> None:
    values = {name: getattr(application, name) for name in _FIELDS}
    _checked.put(key, values, settings.API_KEY_CACHE_SECONDS)


def forget(application_id: uuid.UUID) -> None:
    _checked.forget_where(lambda _key, values: values["id"] == application_id)


def on_application_changed(sender: object, instance: Application, **kwargs: Any) -> None:
    """post_save / post_delete of an Application (connected in TenancyConfig.ready)."""
    forget(instance.id)
