"""Text side of bewo_rt: captions generated from scenes, and prompts parsed back into them."""
from .captions import caption, describe_source, direction_words_class, distance_class, room_class
from .parser import parse, parse_dict

__all__ = ["caption", "describe_source", "direction_words_class", "distance_class", "room_class", "parse",
           "parse_dict"]
