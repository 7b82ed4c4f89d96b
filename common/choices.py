"""A stored choice's label read inside a sentence."""


def choice_in_sentence(choices: type, value: str) -> str:
    """The label of a stored choice as a word in a sentence; the value itself if the choice is no
    longer offered. English labels are capitalised, as labels ("In progress" beside "Drainage"):
    inside a sentence they read in lower case ("now in progress"), a name kept (WeChat, ID)."""
    label = str(dict(choices.choices).get(value, value))
    first = label.split(" ", 1)[0]
    return label[:1].lower() + label[1:] if first[1:] == first[1:].lower() else label
