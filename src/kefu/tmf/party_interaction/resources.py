"""ContactRecord <-> TMF683 ``PartyInteraction``.

The mapping, in one place:

=========================  ==================================================================
PartyInteraction           ContactRecord
=========================  ==================================================================
id, href                   primary key; ``/tmf-api/partyInteraction/v4/partyInteraction/{id}``
creationDate               created_at
description                summary
direction                  direction (``inbound`` / ``outbound``)
reason                     the request category's full path, else the request type's name
status                     open -> ``inProgress``, closed -> ``completed``
statusChangeDate           ended_at (closed) or started_at (open)
interactionDate            started_at / ended_at
channel[0]                 channel: id = code (``hotline``), name = its Chinese name
relatedParty               the subscriber's customer (role ``customer``, a TMF629 Customer), the
                           line (role ``subscriber``, id = the number), the member of staff
                           (role ``agent``, id = job number); a contact without a known line
                           names its number (role ``caller``)
interactionItem            service requests (SR-1): reason = category path or type name,
                           item.role = the module it leads to, item.id = its reference if any
                           (a work order's number, then item.href = its TMF621 TroubleTicket)
interactionRelationship    contact links (CON-3): ``isRepeatOf`` / ``hasRepeat`` / ``relatedTo``
attachment                 the recording reference (attachmentType ``recording``)
note                       corrections (CON-6): who, when, field, old -> new, why
=========================  ==================================================================
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel, ContactStatus, Direction, LinkKind, RequestModule
from kefu.contacts.models import ContactCorrection, ContactRecord, ServiceRequest
from kefu.core.choices import RequestType
from kefu.tmf.common import iso
from kefu.tmf.customer.resources import href as customer_href

STATUS_OF = {ContactStatus.OPEN: "inProgress", ContactStatus.CLOSED: "completed"}
OPEN_STATUSES = ("opened", "inProgress")
CLOSED_STATUS = "completed"
RECORDING = "recording"


def href(pk) -> str:
    return reverse("tmf-party-interaction-detail", kwargs={"id": str(pk)})


def trouble_ticket_href(number: str) -> str:
    """The TMF621 TroubleTicket of a work order (its id is the order number), if that API is mounted."""
    try:
        return reverse("tmf-trouble-ticket-detail", kwargs={"id": number})
    except NoReverseMatch:
        return ""


def channel_href(code: str) -> str:
    # kefu exposes no channel resource; a stable URN names the channel instead
    return f"urn:kefu:channel:{code}"


def with_related(queryset):
    """Everything :func:`render` touches, in a fixed number of queries."""
    return queryset.select_related("staff", "subscriber__customer", "category__version").prefetch_related(
        Prefetch("requests", queryset=ServiceRequest.objects.select_related("category__version")),
        "links_out",
        "links_in",
        Prefetch("corrections", queryset=ContactCorrection.objects.select_related("actor")),
    )


def _reason(request_type: str, category) -> str:
    if category is not None:
        return category.full_path
    return str(RequestType.label(request_type)) if request_type else ""


def _related_parties(contact: ContactRecord) -> list[dict]:
    parties = []
    subscriber = contact.subscriber
    if subscriber is not None:
        customer = subscriber.customer
        parties.append(
            {
                "id": str(customer.pk),
                "href": customer_href(customer.pk),
                "name": customer.name,
                "role": "customer",
                "@referredType": "Customer",
            }
        )
        parties.append(
            {
                "id": subscriber.number,
                "href": f"/api/v1/subscribers/{subscriber.number}",
                "name": subscriber.number,
                "role": "subscriber",
                "@referredType": "Subscriber",
            }
        )
    elif contact.number:
        parties.append(
            {
                "id": contact.number,
                "href": f"tel:{contact.number}",
                "name": contact.number,
                "role": "caller",
                "@referredType": "Individual",
            }
        )
    if contact.staff is not None:
        parties.append(
            {
                "id": contact.staff.job_number,
                "href": f"urn:kefu:staff:{contact.staff.job_number}",
                "name": contact.staff.name,
                "role": "agent",
                "@referredType": "Individual",
            }
        )
    return parties


def _items(contact: ContactRecord) -> list[dict]:
    items = []
    for request in contact.requests.all():
        item = {"role": request.module, "name": str(RequestModule.label(request.module))}
        if request.reference:
            item["id"] = request.reference
            if request.module == RequestModule.WORK_ORDER:
                ticket = trouble_ticket_href(request.reference)
                if ticket:
                    item.update({"href": ticket, "@referredType": "TroubleTicket"})
        items.append(
            {
                "id": str(request.pk),
                "creationDate": iso(request.created_at),
                "reason": _reason(request.request_type, request.category),
                "item": item,
                "@type": "InteractionItem",
            }
        )
    return items


def _relationships(contact: ContactRecord) -> list[dict]:
    relations = []
    for link in contact.links_out.all():
        kind = "isRepeatOf" if link.kind == LinkKind.REPEAT else "relatedTo"
        relations.append(
            {"id": str(link.to_contact_id), "href": href(link.to_contact_id), "relationshipType": kind}
        )
    for link in contact.links_in.all():
        kind = "hasRepeat" if link.kind == LinkKind.REPEAT else "relatedTo"
        relations.append(
            {"id": str(link.from_contact_id), "href": href(link.from_contact_id), "relationshipType": kind}
        )
    return relations


def _notes(contact: ContactRecord) -> list[dict]:
    return [
        {
            "id": str(c.pk),
            "author": c.actor.job_number,
            "date": iso(c.at),
            "text": _("更正 %(field)s：%(old)s → %(new)s（原因：%(reason)s）")
            % {"field": c.field, "old": c.old_value, "new": c.new_value, "reason": c.reason},
        }
        for c in contact.corrections.all()
    ]


def render(contact: ContactRecord) -> dict:
    """One contact record as a TMF683 PartyInteraction (objects loaded through :func:`with_related`)."""
    period = {"startDateTime": iso(contact.started_at)}
    if contact.ended_at is not None:
        period["endDateTime"] = iso(contact.ended_at)
    resource = {
        "id": str(contact.pk),
        "href": href(contact.pk),
        "creationDate": iso(contact.created_at),
        "description": contact.summary,
        "direction": contact.direction,
        "reason": _reason(contact.request_type, contact.category),
        "status": STATUS_OF.get(contact.status, contact.status),
        "statusChangeDate": iso(contact.ended_at or contact.started_at),
        "interactionDate": period,
        "channel": [
            {
                "id": contact.channel,
                "href": channel_href(contact.channel),
                "name": str(Channel.label(contact.channel)),
                "role": "interactionChannel",
                "@referredType": "Channel",
            }
        ],
        "relatedParty": _related_parties(contact),
        "interactionItem": _items(contact),
        "interactionRelationship": _relationships(contact),
        "attachment": (
            [{"id": contact.recording_ref, "name": contact.recording_ref, "attachmentType": RECORDING}]
            if contact.recording_ref
            else []
        ),
        "note": _notes(contact),
        "@type": "PartyInteraction",
        "@baseType": "PartyInteraction",
    }
    return resource


def code_of(choices, value, *, what: str) -> str:
    """A code of ``choices`` from its code or its name in the active language; ValueError if none."""
    text = str(value or "").strip()
    for code, label in choices.CHOICES:
        if text in (code, str(label)):
            return code
    raise ValueError(what)


def channel_code(value) -> str:
    return code_of(Channel, value, what="channel")


def direction_code(value) -> str:
    return code_of(Direction, value, what="direction")


def request_type_code(value) -> str:
    return code_of(RequestType, value, what="reason")
