class PostError(Exception):
    """A post file that cannot be imported; the message says why, for the operator."""
