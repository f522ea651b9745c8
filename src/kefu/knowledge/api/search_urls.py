"""The knowledge routes every role's API has: the search (issue 13 item 6) and the record of what an
agent used during a contact (SR-1, KB-4)."""

from django.urls import path

from kefu.knowledge.api import search, uses

urlpatterns = [
    path("knowledge/search", search.KnowledgeSearchView.as_view(), name="knowledge-search"),
    path("knowledge/uses", uses.KnowledgeUseView.as_view(), name="knowledge-uses"),
]
