"""gunicorn's own log lines masked as Needle's are (common/logging.py): its access log writes each
request's address, its query too, and the reverse proxy's Referer (an address of the site), and its
error log may quote one. A search's whole number is no longer sent in an address (common/
hidden_searches.py), but an old bookmark or a hand-typed URL still brings one, once (review 10, 3).

`--logger-class needle.gunicorn_logging.MaskedLogger` (Procfile, the README's production lines).
"""

from gunicorn.glogging import Logger

from common.logging import MaskPersonalData


class MaskedLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskPersonalData) for f in log.filters):  # setup runs on each reload
                log.addFilter(MaskPersonalData())
