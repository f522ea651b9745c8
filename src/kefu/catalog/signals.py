"""Signals the catalog sends when a business changes in a way other apps must react to (SR-3).

The catalog is a lower layer than the apps that keep things about a business (the knowledge base
flags its articles for review), so it announces the change and never imports them. Receivers run
inside the catalog write's transaction: a receiver that fails rolls the change back.
"""

from django.dispatch import Signal

# sender: Business; kwargs: business, actor, old_name, new_name, effective_on
business_renamed = Signal()

# sender: Business; kwargs: business, actor, effective_on, reason
business_taken_offline = Signal()
