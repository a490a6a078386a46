"""Real Redis Cluster and Sentinel topologies on the loopback, for the service's cluster and
sentinel support: Debian `redis-server` processes, each in its own tmp dir on free ports,
all killed and their dirs removed when the topology closes (also when a test fails).

A failover kills a master with SIGKILL and returns once the survivors agree on the
promoted replica, so a test can assert what a client sees after it. A topology made with
`shared=True` (the session fixtures) refuses failovers: other tests rely on its shape.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from redis_servers import HOST, Server, Topology, wait_until

SLOTS = 16384
MASTER_NAME = "holdwatch"


@dataclass(frozen=True)
class View:
    """One line of CLUSTER NODES: a node as another node sees it."""

    node_id: str
    port: int
    flags: frozenset[str]
    master_id: str | None
    slots: tuple[tuple[int, int], ...]

    @property
    def is_master(self) -> bool:
        return "master" in self.flags and not self.failed

    @property
    def failed(self) -> bool:
        return bool(self.flags & {"fail", "fail?"})

    @classmethod
    def parse(cls, line: str) -> View:
        fields = line.split()
        ranges = []
        for token in fields[8:]:
            if token.startswith("["):  # a slot being migrated or imported
                continue
            low, _, high = token.partition("-")
            ranges.append((int(low), int(high or low)))
        return cls(
            node_id=fields[0],
            port=int(fields[1].split("@")[0].rsplit(":", 1)[1]),
            flags=frozenset(fields[2].split(",")),
            master_id=None if fields[3] == "-" else fields[3],
            slots=tuple(ranges),
        )


class RedisCluster(Topology):
    """`masters` masters with `replicas` replicas each, made by `redis-cli --cluster create`."""

    def __init__(
        self, server: str, cli: str, *, masters: int = 3, replicas: int = 1, shared: bool = False
    ) -> None:
        super().__init__("cluster", shared)
        try:
            for i in range(masters * (1 + replicas)):
                port, bus = self.ports.take(), self.ports.take()
                args = [*self.data_args(port), "--cluster-enabled", "yes"]
                args += ["--cluster-port", str(bus), "--cluster-config-file", "nodes.conf"]
                args += ["--cluster-node-timeout", "1000"]
                self.server(server, f"node-{i}", args, port)
            for node in self.servers:
                node.spawn()
            for node in self.servers:
                node.ready()
            addresses = [f"{HOST}:{n.port}" for n in self.servers]
            create = ["--cluster", "create", *addresses, "--cluster-replicas", str(replicas)]
            made = subprocess.run(
                [cli, *create, "--cluster-yes"],
                check=False,
                capture_output=True,
                text=True,
                timeout=60,
            )
            if made.returncode != 0:
                raise AssertionError(f"redis-cli --cluster create: {made.stdout}{made.stderr}")
            self.ids = {n.port: n.command("CLUSTER", "MYID") for n in self.servers}
            self.wait_settled("cluster formed")
        except BaseException:
            self.close()
            raise

    @property
    def startup_nodes(self) -> list[tuple[str, int]]:
        """(host, port) of every node: `ClusterNode(*n)` for redis-py, or FastStream's
        `RedisClusterBroker(url(), startup_nodes=...)`."""
        return [n.address for n in self.servers]

    def url(self) -> str:
        """redis://host:port of a live node (a cluster client needs only one to discover)."""
        host, port = self.live()[0].address
        return f"redis://{host}:{port}"

    def live(self) -> list[Server]:
        return [n for n in self.servers if n.alive]

    def views(self, seen_by: Server | None = None) -> dict[int, View]:
        """CLUSTER NODES as `seen_by` (a live node) sees the cluster, by port."""
        text = (seen_by or self.live()[0]).command("CLUSTER", "NODES")
        lines = (View.parse(line) for line in text.splitlines() if line.strip())
        return {v.port: v for v in lines}

    def by_port(self, port: int) -> Server:
        return next(n for n in self.servers if n.port == port)

    def masters(self) -> list[Server]:
        """The masters that own slots, in slot order."""
        views = sorted(
            (v for v in self.views().values() if v.is_master and v.slots),
            key=lambda v: v.slots[0],
        )
        return [self.by_port(v.port) for v in views]

    def replica_of(self, master: Server) -> Server:
        """A live replica of `master`."""
        master_id = self.ids[master.port]
        for view in self.views().values():
            node = self.by_port(view.port)
            if view.master_id == master_id and not view.failed and node.alive:
                return node
        raise AssertionError(f"{master} has no live replica")

    def master_for(self, key: str) -> Server:
        """The master that owns `key`'s slot."""
        slot = int(self.live()[0].command("CLUSTER", "KEYSLOT", key))
        for view in self.views().values():
            if view.is_master and any(low <= slot <= high for low, high in view.slots):
                return self.by_port(view.port)
        raise AssertionError(f"no master owns slot {slot}")

    def settled(self) -> bool:
        """Every live node says cluster_state:ok with every slot served, and they agree on
        which nodes are masters; every replica's link to its master is up."""
        live = self.live()
        agreed: set[frozenset[int]] = set()
        for node in live:
            info = node.info("CLUSTER", "INFO")
            if info["cluster_state"] != "ok" or info["cluster_slots_ok"] != str(SLOTS):
                return False
            views = self.views(node)
            masters = frozenset(v.port for v in views.values() if v.is_master and v.slots)
            agreed.add(masters)
            me = views[node.port]
            if "slave" in me.flags and node.info()["master_link_status"] != "up":
                return False
        return len(agreed) == 1 and all(self.by_port(p).alive for p in next(iter(agreed)))

    def wait_settled(self, what: str, timeout: float = 20.0) -> float:
        return wait_until(what, self.settled, timeout)

    def wait_for_replication(self, timeout: float = 10.0) -> float:
        """Until every live replica has applied all its master has written (a kill -9
        right after a write would otherwise lose it, as it would in production)."""

        def caught_up() -> bool:
            for node in self.live():
                info = node.info("INFO", "replication")
                if info["role"] == "slave":
                    master = self.by_port(int(info["master_port"]))
                    wanted = int(master.info("INFO", "replication")["master_repl_offset"])
                    if int(info["slave_repl_offset"]) < wanted:
                        return False
            return True

        return wait_until("replicas caught up", caught_up, timeout)

    def fail_over(self, master: Server, timeout: float = 20.0) -> Server:
        """kill -9 `master`; return its replica once the survivors serve every slot with
        the replica as master."""
        self.refuse_if_shared()
        replica = self.replica_of(master)
        master.kill()
        self.wait_promoted(replica, timeout)
        return replica

    def manual_failover(self, master: Server, timeout: float = 20.0) -> Server:
        """CLUSTER FAILOVER on `master`'s replica: the two swap roles, nothing is lost."""
        self.refuse_if_shared()
        replica = self.replica_of(master)
        replica.command("CLUSTER", "FAILOVER")
        self.wait_promoted(replica, timeout)
        self.wait_follows(master, replica, timeout)
        return replica

    def wait_follows(self, node: Server, master: Server, timeout: float = 20.0) -> float:
        """Until every live node sees `node` as `master`'s replica, its link up."""
        master_id = self.ids[master.port]

        def follows() -> bool:
            if any(self.views(n)[node.port].master_id != master_id for n in self.live()):
                return False
            return node.info("INFO", "replication").get("master_link_status") == "up"

        return wait_until(f"{node} follows {master}", follows, timeout)

    def wait_promoted(self, replica: Server, timeout: float) -> float:
        def promoted() -> bool:
            return all(self.views(n)[replica.port].is_master for n in self.live())

        took = wait_until(f"{replica} promoted", promoted, timeout)
        return took + self.wait_settled("cluster ok after failover", timeout)

    def restart(self, node: Server, timeout: float = 20.0) -> None:
        """Bring a killed node back on its port and dir: it rejoins (nodes.conf) and, its
        slots now served by its old replica, becomes that node's replica."""
        node.spawn()
        node.ready()

        def replica() -> bool:
            return "slave" in self.views(node)[node.port].flags

        wait_until(f"{node} back as a replica", replica, timeout)
        master_id = self.views(node)[node.port].master_id
        self.wait_follows(node, self.by_port(self.port_of(master_id)), timeout)
        self.wait_settled(f"{node} replicating", timeout)

    def port_of(self, node_id: str | None) -> int:
        return next(port for port, known in self.ids.items() if known == node_id)


class RedisSentinel(Topology):
    """One master, one replica and `sentinels` sentinels (quorum 2) watching MASTER_NAME."""

    master_name = MASTER_NAME

    def __init__(self, server: str, *, sentinels: int = 3, shared: bool = False) -> None:
        super().__init__("sentinel", shared)
        try:
            master = self.server(server, "master", [])
            master.args = self.data_args(master.port)
            replica = self.server(server, "replica", [])
            replica.args = [*self.data_args(replica.port), "--replicaof", HOST, str(master.port)]
            self.data = [master, replica]
            for node in self.data:
                node.spawn()
            for node in self.data:
                node.ready()
            wait_until("replica linked", lambda: self.linked(replica), 10)
            self.sentinel_servers = [
                self.sentinel(server, f"sentinel-{i}", master.port) for i in range(sentinels)
            ]
            for node in self.sentinel_servers:
                node.spawn()
            for node in self.sentinel_servers:
                node.ready()
            wait_until("sentinels agree", lambda: self.agreed(master, replica), 20)
        except BaseException:
            self.close()
            raise

    def sentinel(self, binary: str, name: str, master_port: int) -> Server:
        port = self.ports.take()
        conf = self.root / name / "sentinel.conf"
        conf.parent.mkdir(parents=True)
        lines = [f"port {port}", f"bind {HOST}", f"dir {conf.parent}"]
        lines += [f"sentinel monitor {MASTER_NAME} {HOST} {master_port} 2"]
        lines += [f"sentinel down-after-milliseconds {MASTER_NAME} 1000"]
        lines += [f"sentinel failover-timeout {MASTER_NAME} 3000"]
        conf.write_text("\n".join(lines) + "\n")
        return self.server(binary, name, [str(conf), "--sentinel"], port)

    @property
    def sentinels(self) -> list[tuple[str, int]]:
        """(host, port) of every sentinel: for `redis.asyncio.sentinel.Sentinel(...)` and
        FastStream's `RedisSentinelBroker(sentinels=...)`."""
        return [s.address for s in self.sentinel_servers]

    def master_address(self) -> tuple[str, int]:
        """The master's address as the first live sentinel reports it."""
        sentinel = next(s for s in self.sentinel_servers if s.alive)
        host, port = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
        return (host, int(port))

    def master(self) -> Server:
        return next(n for n in self.data if n.address == self.master_address())

    def linked(self, replica: Server) -> bool:
        return replica.info("INFO", "replication").get("master_link_status") == "up"

    def agreed(self, master: Server, replica: Server) -> bool:
        """Every sentinel names `master`, knows `replica` and the other sentinels."""
        others = len(self.sentinel_servers) - 1
        for s in self.sentinel_servers:
            host, port = s.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
            if (host, int(port)) != master.address:
                return False
            known = s.command("SENTINEL", "REPLICAS", MASTER_NAME)
            if not any(str(r.get("port")) == str(replica.port) for r in as_dicts(known)):
                return False
            if len(s.command("SENTINEL", "SENTINELS", MASTER_NAME)) < others:
                return False
        return master.info("INFO", "replication")["role"] == "master"

    def fail_over(self, timeout: float = 20.0) -> Server:
        """kill -9 the master; return the replica once every sentinel names it master."""
        self.refuse_if_shared()
        old = self.master()
        new = next(n for n in self.data if n is not old)
        old.kill()
        self.wait_master(new, timeout)
        return new

    def graceful_failover(self, timeout: float = 20.0) -> Server:
        """SENTINEL FAILOVER; return the replica once every sentinel names it master.

        Not graceful for the old master: the sentinels demote it only about 10 s later, and
        until then it stays a master and keeps what a client's open connection writes to
        it, which its resync from the new master then drops. `wait_replicating(old)` waits
        for the demotion."""
        self.refuse_if_shared()
        old = self.master()
        new = next(n for n in self.data if n is not old)
        self.sentinel_servers[0].command("SENTINEL", "FAILOVER", MASTER_NAME)
        self.wait_master(new, timeout)
        return new

    def wait_replicating(self, node: Server, timeout: float = 20.0) -> float:
        return wait_until(f"{node} replicating", lambda: self.linked(node), timeout)

    def wait_master(self, new: Server, timeout: float) -> float:
        def reported() -> bool:
            for s in self.sentinel_servers:
                host, port = s.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
                if (host, int(port)) != new.address:
                    return False
            return new.info("INFO", "replication")["role"] == "master"

        return wait_until(f"sentinels name {new} master", reported, timeout)


def as_dicts(reply: object) -> list[dict[str, object]]:
    """SENTINEL REPLICAS as a list of dicts, whether redis-py parsed it or not."""
    rows = reply if isinstance(reply, list) else []
    out: list[dict[str, object]] = []
    for row in rows:
        if isinstance(row, dict):
            out.append(row)
        elif isinstance(row, list):
            out.append(dict(zip(row[::2], row[1::2], strict=True)))
    return out
