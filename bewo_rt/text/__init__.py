"""Text side of bewo_rt: captions generated from scenes (and, later, parsed back into them)."""
from .captions import caption, describe_source, direction_words_class, distance_class, room_class

__all__ = ["caption", "describe_source", "direction_words_class", "distance_class", "room_class"]
