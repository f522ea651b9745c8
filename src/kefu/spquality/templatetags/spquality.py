from django import template

from kefu.spquality import selectors

register = template.Library()


@register.inclusion_tag("spquality/hub_status.html")
def sp_quality_status():
    """The hub desk's section: last month's SP quality files, late and missing provinces flagged."""
    return selectors.hub_report_status()
