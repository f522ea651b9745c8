"""Filters of the cross-level pages: codes shown as names (:mod:`kefu.crosslevel.labels`)."""

from __future__ import annotations

from django import template

from kefu.crosslevel import labels

register = template.Library()

register.filter("state_label", labels.state_label)
register.filter("action_label", labels.action_label)
register.filter("satisfaction_label", labels.satisfaction_label)
register.filter("node_label", labels.node_label)
register.filter("message_type_label", labels.message_type_label)
register.filter("actor_label", labels.actor_label)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (an SP's name by its code); None when absent."""
    return mapping.get(key) if mapping else None
