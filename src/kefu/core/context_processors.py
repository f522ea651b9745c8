from django.conf import settings


def node(request):
    return {"KEFU_ROLE": settings.KEFU_ROLE, "KEFU_NODE_CODE": settings.KEFU_NODE_CODE}
