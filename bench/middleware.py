"""Count the SQL queries of each request and send the count in an `X-SQL-Queries` header.

For a streamed response (the CSV exports) the body is read from the database after the
headers have gone, so the header holds only the queries made before the first byte. The full
count is known when the stream ends: if the request carried an `X-Bench-Probe: NAME` header
and BENCH_STATS_DIR is set, it is written to BENCH_STATS_DIR/NAME.json then.

A request with `X-Bench-Recompute: 1` retires the cached dashboard figures first, exactly as
every write does (`dashboard_invalidate`), so that the dashboard can be measured computing
them. (The other cached values — reference lists, notification badges — are not retired by
commitment writes, so they stay cached, as they would.)
"""

import json
import os
import re
from pathlib import Path

from django.db import connection

from dashboard.figures import dashboard_invalidate

PROBE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.headers.get("X-Bench-Recompute") == "1":
            dashboard_invalidate()
        counter = _Counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-SQL-Queries"] = str(counter.count)
        if response.streaming:
            probe = request.headers.get("X-Bench-Probe", "")
            response.streaming_content = self._counted(response.streaming_content, counter, probe)
        return response

    @staticmethod
    def _counted(content, counter, probe):
        finished = False
        try:
            with connection.execute_wrapper(counter):
                yield from content
            finished = True
        finally:
            folder = os.environ.get("BENCH_STATS_DIR")
            if folder and PROBE_NAME.match(probe):
                record = {"queries": counter.count, "finished": finished}
                (Path(folder) / f"{probe}.json").write_text(json.dumps(record))
