"""Two Ray nodes on one machine (ray.cluster_utils.Cluster, on 127.0.0.1): shards reach both.

The package travels through the object store and is unpacked on each node;
the output is byte-identical to the local engine's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pipeline import config as config_module
from pipeline import models
from pipeline.engines.argos import ArgosEngine
from pipeline.engines.cluster import LOOPBACK_ENV, PackageWorker, RayRunner
from pipeline.glossary import Glossary

os.environ.setdefault(LOOPBACK_ENV, "0")  # before ray is imported: every service on 127.0.0.1
ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")
TEXTS = [f"Sentence {n} on the second node, with {n} words more." for n in range(40)]


class NodeWorker(PackageWorker):
    """Says which node it runs on."""

    def node(self) -> str:
        return str(ray.get_runtime_context().get_node_id())


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from ray.cluster_utils import Cluster

    os.environ["POSTLINGO_WORKER_CACHE"] = str(tmp_path_factory.mktemp("node-cache"))
    small = {"num_cpus": 1, "object_store_memory": 100 * 2**20, "include_dashboard": False}
    cluster = Cluster(initialize_head=True, head_node_args=small)
    cluster.add_node(**{k: v for k, v in small.items() if k != "include_dashboard"})
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    yield
    ray.shutdown()
    cluster.shutdown()


def test_shards_run_on_both_nodes_with_the_local_engines_output(
    two_nodes, tmp_path, argos_archives
):
    models.install_archive(argos_archives[("en", "ko")], tmp_path / "models")
    mt = config_module.MTConfig(batch_tokens=64, shard_tokens=30, workers=2, cluster="ray")
    config = config_module.Config(root=tmp_path, models_dir="models", mt=mt)
    runner = RayRunner(config, worker=NodeWorker)
    engine = ArgosEngine(config, None, Glossary(()), runner=runner)
    nodes: set[str] = set()

    def note_nodes(_: int) -> None:
        if not nodes:
            nodes.update(ray.get([actor.node.remote() for actor in runner.actors]))

    remote = [t.text for t in engine.translate(TEXTS, "en", "ko", progress=note_nodes)]
    alone = ArgosEngine(config_module.Config(root=tmp_path, models_dir="models"), None)
    assert remote == [t.text for t in alone.translate(TEXTS, "en", "ko")]
    assert len(nodes) == 2, nodes
    assert all(n["NodeManagerAddress"] == "127.0.0.1" for n in ray.nodes())
