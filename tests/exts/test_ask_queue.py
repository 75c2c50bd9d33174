"""The queue of pending asks lets the defers of a burst go first, and stays out of the
way under normal load."""

from __future__ import annotations

import asyncio

from bot.exts.ask import AskQueue


async def test_work_waits_while_a_defer_of_a_burst_is_on_its_way() -> None:
    queue = AskQueue()
    order: list[str] = []

    async def work() -> str:
        order.append("work")
        return "reply"

    async def defer() -> None:
        async with queue.deferring_one():
            await asyncio.sleep(0.05)
            order.append("defer")

    deferring = asyncio.create_task(defer())
    await asyncio.sleep(0)
    assert await queue.after_defers(work()) == "reply"
    await deferring
    assert order == ["defer", "work"]


async def test_an_ask_meant_to_be_answered_directly_hears_when_a_burst_begins() -> None:
    queue = AskQueue()
    began = queue.burst_began()
    assert not began.done()
    async with queue.deferring_one():
        assert began.done()
    assert not queue.burst_began().done()  # the next burst is a new one


async def test_without_a_burst_nothing_waits() -> None:
    queue = AskQueue()

    async def work() -> int:
        return 42

    coroutine = queue.after_defers(work())
    try:
        coroutine.send(None)
    except StopIteration as done:  # finished without once handing the loop back
        assert done.value == 42
    else:
        raise AssertionError("after_defers suspended with no defer on its way")
