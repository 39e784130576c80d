"""Request helpers every app shares: who is asking (their address, behind a trusted proxy), and
where a posted ``next`` may send them.

One place decides the client's address, for the log-in lockout (django-axes calls
``counted_address`` through ``AXES_CLIENT_IP_CALLABLE``) and the public status page's limiter.
``X-Forwarded-For`` is believed only as far as the hops that added it are listed in
``settings.TRUSTED_PROXIES``; with none listed, the address is the connection's own.
"""

import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

# The prefix an IPv6 client is counted by: one subscriber usually holds a whole /64.
IPV6_COUNTED_PREFIX = 64

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(raw: str) -> Address | None:
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address) -> bool:
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.TRUSTED_PROXIES
    )


def client_address(request) -> str:
    """The address of the client that made the request, as a string ('' if unknown).

    The connection's address, unless it is a trusted proxy: then ``X-Forwarded-For`` is read
    from its right end (the entry the nearest proxy added) leftwards, past every trusted proxy,
    and the first address that is not one is the client. An entry that is not an address ends
    the walk at the proxy that passed it on."""
    hop = _parse(request.META.get("REMOTE_ADDR", ""))
    if hop is None:
        return ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        if not _trusted(hop):
            break
        previous = _parse(entry)
        if previous is None:
            break
        hop = previous
    return str(hop)


def counted_address(request) -> str:
    """The client's address as the limiters count it: an IPv4 address as it is, an IPv6 address
    as the first address of its /64 (rotating addresses inside one's own /64 counts as one)."""
    return counted(client_address(request))


def counted(raw: str) -> str:
    address = _parse(raw)
    if address is None:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((address, IPV6_COUNTED_PREFIX), strict=False)
        return str(network.network_address)
    return str(address)


def safe_next(request, fallback: str) -> str:
    """The posted (or queried) ``next`` if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
