"""The errors of the Xapian cluster adapter; each message is one line safe to show a user."""
from retrieval import FactbotError


class ClusterError(FactbotError):
    """A cluster file, a shard database or a shard's metadata cannot be used as given."""


class ShardUnavailableError(ClusterError):
    """No replica of a shard answered within the cluster's timeout."""


class ClusterRebuiltError(ClusterError):
    """A shard reconnected to now holds another build of the index than the one opened."""
