"""Short human sizes for pickers (``12.3 GiB``): rounded, unlike the core's exact ``human``."""


def short_bytes(amount: int) -> str:
    value = float(amount)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{amount} B"
