"""A stored choice's label read inside a sentence."""


def choice_in_sentence(choices: type, value: str) -> str:
    """The label of a stored choice as a word in a sentence; the value itself if the choice is no
    longer offered."""
    return label_in_sentence(str(dict(choices.choices).get(value, value)))


def label_in_sentence(label: str) -> str:
    """English labels are capitalised, as labels ("In progress" beside "Drainage"): inside a
    sentence they read in lower case ("now in progress"), a name kept (WeChat, ID). Chinese is left
    as it is."""
    label = str(label)
    first = label.split(" ", 1)[0]
    return label[:1].lower() + label[1:] if first[1:] == first[1:].lower() else label
