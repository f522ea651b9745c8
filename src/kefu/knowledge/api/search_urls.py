from django.urls import path

from kefu.knowledge.api import search

urlpatterns = [
    path("knowledge/search", search.KnowledgeSearchView.as_view(), name="knowledge-search"),
]
