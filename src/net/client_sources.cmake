# Client side of the net layer: TLS, HTTP client, SSE parser, WebSocket client, retries.
list(APPEND PATTER_NET_SOURCES
  call_loops.cpp
  client_error.cpp
  client_transport.cpp
  http_client.cpp
  http_client_connection.cpp
  http_client_pool.cpp
  loop_http_clients.cpp
  retry.cpp
  sse_parser.cpp
  tls_client_context.cpp
  url.cpp
  warm_connection.cpp
  ws_client.cpp
  ssrf_guard.cpp
)
