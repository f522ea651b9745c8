"""English uses the one format of kefu.core.formats (the same in every language of the UI)."""

from kefu.core.formats.zh_Hans.formats import *  # noqa: F403
