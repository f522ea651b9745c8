"""Search synonyms API: groups of words the search treats as one, kept by knowledge editors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api.base import ModelSerializer
from kefu.knowledge import workflow
from kefu.knowledge.api.articles import PROBLEM, TAGS
from kefu.knowledge.models import Synonym


class SynonymSerializer(ModelSerializer):
    terms = serializers.ListField(child=serializers.CharField())
    updated_by = serializers.SlugRelatedField(slug_field="job_number", read_only=True)

    class Meta:
        model = Synonym
        fields = ["id", "terms", "note", "updated_by", "updated_at"]


class SynonymWriteSerializer(serializers.Serializer):
    terms = serializers.ListField(child=serializers.CharField(max_length=30), help_text="two words or more")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SynonymListView(APIView):
    queryset = Synonym.objects.all()  # names the model for the scope walk: node-wide vocabulary

    @extend_schema(summary="Every synonym group", responses={200: SynonymSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return Response(SynonymSerializer(Synonym.objects.select_related("updated_by"), many=True).data)

    @extend_schema(
        summary="Add a synonym group (knowledge editors)",
        description="403 `not_an_editor`; 400 `validation_failed` for fewer than two different words.",
        request=SynonymWriteSerializer,
        responses={201: SynonymSerializer, 400: PROBLEM, 403: PROBLEM},
        tags=TAGS,
    )
    def post(self, request):
        body = SynonymWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        synonym = workflow.synonym_save(actor=request.user, **body.validated_data)
        return Response(SynonymSerializer(synonym).data, status=status.HTTP_201_CREATED)


class SynonymDetailView(APIView):
    queryset = Synonym.objects.all()

    @extend_schema(summary="One synonym group", responses={200: SynonymSerializer, 404: PROBLEM}, tags=TAGS)
    def get(self, request, pk: int):
        return Response(SynonymSerializer(workflow.synonym_get(pk)).data)

    @extend_schema(
        summary="Replace the words of a synonym group (knowledge editors)",
        request=SynonymWriteSerializer,
        responses={200: SynonymSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def patch(self, request, pk: int):
        body = SynonymWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            SynonymSerializer(workflow.synonym_save(actor=request.user, pk=pk, **body.validated_data)).data
        )

    @extend_schema(
        summary="Delete a synonym group (knowledge editors)",
        request=None,
        responses={204: None, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def delete(self, request, pk: int):
        workflow.synonym_delete(actor=request.user, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
