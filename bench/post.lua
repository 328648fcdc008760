-- POST the GraphQL request body stored in the file named by BENCH_BODY, the same body every time.
local path = os.getenv("BENCH_BODY")
local file = assert(io.open(path, "rb"), "BENCH_BODY must name a readable file")
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
file:close()
