"""SR-3: a business going offline or being renamed flags its articles for review. The catalog sends
the signals (``kefu.catalog.signals``) without knowing the knowledge base; ``KnowledgeConfig.ready``
connects these receivers."""

from __future__ import annotations

from kefu.knowledge import workflow


def on_business_taken_offline(sender, *, business, effective_on, reason="", **kwargs) -> None:
    text = f"业务已下线（{effective_on.isoformat()}）"
    if reason:
        text += f"：{reason}"
    workflow.flag_for_review(business=business, reason=text)


def on_business_renamed(sender, *, business, old_name, new_name, effective_on, **kwargs) -> None:
    workflow.flag_for_review(
        business=business, reason=f"业务更名：{old_name} → {new_name}（{effective_on.isoformat()}）"
    )
