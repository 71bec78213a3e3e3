# Server side of the net layer: event loops, HTTP server, WebSocket, SSE responses.
list(APPEND PATTER_NET_SOURCES
  io_pool.cpp
  http_message.cpp
  router.cpp
  beast_conversion.cpp
  websocket.cpp
  server_state.cpp
  http_connection.cpp
  http_server.cpp
  loopback.cpp
)
