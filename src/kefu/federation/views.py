"""The inbound endpoint ``POST /federation/v1/messages`` and the error pages of hub, SIMS and platform nodes
(their homes and node status page are :mod:`kefu.crosslevel.pages`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import DomainError
from kefu.federation import services
from kefu.federation.envelope import SENDER_HEADER, SIGNATURE_HEADER
from kefu.federation.errors import FederationError
from kefu.federation.errors import FederationErrorCode as Code

logger = logging.getLogger("kefu.federation")

_PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="problem+json with a stable `code`")


class MessagesView(APIView):
    """Receive one federation message from a peer (machine to machine: HMAC signature, no session).

    Answers only after the message and everything its handler wrote have been committed.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes: list = []  # the signature covers the raw bytes: the body is read as is

    @extend_schema(
        operation_id="federation_message_receive",
        summary="Receive a federation message",
        description="See docs/protocol.md. Signed with HMAC-SHA256 over the body by the sending node.",
        tags=["federation"],
        auth=[],
        parameters=[
            OpenApiParameter(SENDER_HEADER, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True, description="sha256=<hex>"
            ),
        ],
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="applied, or a duplicate acknowledged"),
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="held until its predecessor arrives"),
            400: _PROBLEM,
            401: _PROBLEM,
            403: _PROBLEM,
            409: _PROBLEM,
            413: _PROBLEM,
            422: _PROBLEM,
            500: _PROBLEM,
        },
    )
    def post(self, request):
        try:
            status, body = services.message_receive(
                body=request.body,
                sender=request.headers.get(SENDER_HEADER),
                signature=request.headers.get(SIGNATURE_HEADER),
            )
        except DomainError:
            raise
        except Exception:
            logger.exception("federation handler failed")
            raise FederationError(
                "The message could not be applied; it was not recorded. Try again later.",
                code=Code.HANDLER_FAILED,
                status=500,
            )
        body["node"] = settings.KEFU_NODE_CODE
        return Response(body, status=status)


def role_permission_denied(request, exception=None):
    """403 page of hub, SIMS and platform nodes (the province's page links province screens)."""
    return render(request, "federation/error.html", {"status": 403}, status=403)


def role_page_not_found(request, exception=None):
    if request.path.startswith(("/api/", "/tmf-api/", "/federation/")):
        from kefu.core.errors import ErrorCode, problem_response

        return problem_response(404, ErrorCode.NOT_FOUND, "No such resource.", instance=request.path)
    return render(request, "federation/error.html", {"status": 404}, status=404)
