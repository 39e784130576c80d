"""Requests per system, at the rate set on the system (``ChannelSystem.rate``), counted in the
shared cache so that every web process counts the same requests."""

from rest_framework.throttling import SimpleRateThrottle

from api.permissions import system_of


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/min"`` → (600, 60). Raises ValueError on anything else."""
    count, _slash, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period[:1])
    if not count.isdigit() or int(count) < 1 or seconds is None:
        raise ValueError(rate)
    return int(count), seconds


class SystemRateThrottle(SimpleRateThrottle):
    scope = "system"

    def get_rate(self):
        return None  # set per request, from the calling system

    def allow_request(self, request, view):
        system = system_of(request)
        if system is None:
            return True  # refused by authentication or the permission anyway
        self.rate = system.rate
        self.num_requests, self.duration = parse_rate(system.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": system_of(request).pk}
