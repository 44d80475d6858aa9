"""bench.district_shape.place: every socket placed once, affinity classes on one server only."""

from __future__ import annotations

import uuid

from bench.district_shape import CLASS_SIZE, Klass, place
from bench.servers import Server


def klass(n: int) -> Klass:
    students = [str(uuid.uuid4()) for _ in range(CLASS_SIZE)]
    return Klass(str(uuid.uuid4()), str(uuid.uuid4()), students, n % 2 == 1, (n // 2) % 2)


SERVERS = [Server(f"s{n}", "ours", 4000 + n, "db", "secret-" * 6) for n in range(2)]
CLASSES = [klass(n) for n in range(8)]


def test_every_socket_is_placed_once_and_spread_evenly() -> None:
    placement = place(CLASSES, SERVERS, clients=3)
    lines = [line for share in placement.lines for line in share]
    assert len(lines) == len(CLASSES) * (CLASS_SIZE + 1) == sum(placement.sockets)
    assert placement.sockets[0] == placement.sockets[1]
    assert [len(share) for share in placement.lines] == [83, 83, 82]


def test_affinity_classes_live_on_one_server_and_spread_ones_on_both() -> None:
    placement = place(CLASSES, SERVERS, clients=3)
    for k in CLASSES:
        holders = {n for n, ids in enumerate(placement.listens) if k.id in ids}
        assert holders == ({0, 1} if k.spread else {k.home})
        assert k.id in placement.teaches[k.home]
        assert placement.reporters[k.id] == 3


def test_a_teachers_line_lists_the_class_and_its_students() -> None:
    placement = place(CLASSES[:1], SERVERS, clients=1)
    url, class_id, role, roster, _token = placement.lines[0][0].split()
    assert (url, class_id, role) == (SERVERS[CLASSES[0].home].ws_url, CLASSES[0].id, "teacher")
    assert roster.split(",") == CLASSES[0].students
