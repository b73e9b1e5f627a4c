"""``ehcp web serve``: the advice-return pages partners reach from the links in their digests.

``links`` (signing, standard library only) is imported by the nightly chase; ``app`` (Starlette) only
by the serve command and its tests.
"""
