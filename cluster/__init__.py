"""factbot's sentence index on a cluster of Xapian shard databases (the `xapian` extra).

An adapter beside the pure core: `write_shards` writes an engine's corpus and index as shard
databases, `xapian-tcpsrv` serves them, a cluster file lists where, and `open_cluster_file`
gives the corpus, `XapianSearch` and tokenizer an `Engine` is built from. Xapian is
GPL-2.0-or-later; factbot's default install does not include it.
"""
from .build import plan_shards, write_shards
from .errors import ClusterError, ClusterRebuiltError, ShardUnavailableError
from .reloading import ClusterEngine
from .spec import ClusterSpec, Replica, read_cluster_file
from .xapian_search import XapianSearch, open_cluster, open_cluster_file

__all__ = ["ClusterEngine", "ClusterError", "ClusterRebuiltError", "ClusterSpec", "Replica", "ShardUnavailableError",
           "XapianSearch", "open_cluster", "open_cluster_file", "plan_shards", "read_cluster_file", "write_shards"]
