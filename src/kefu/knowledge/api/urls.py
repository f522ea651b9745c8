from django.urls import path

from kefu.knowledge.api import search, uses

urlpatterns = [
    path("knowledge/search", search.KnowledgeSearchView.as_view(), name="knowledge-search"),
    path("knowledge/uses", uses.KnowledgeUseView.as_view(), name="knowledge-uses"),
]
