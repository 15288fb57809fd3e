"""One bounded memo for what depends only on its key while the app runs."""


def kept(store, key, make, limit=1000):
    """store[key], made by make() the first time; at most `limit` entries are kept (None is kept too).

    For what depends only on its key while the app runs: constant links, link
    shapes, coroutine checks, constant fragments, derived signing keys.
    """
    try:
        return store[key]
    except KeyError:
        pass
    value = make()
    if len(store) < limit:
        store[key] = value
    return value
