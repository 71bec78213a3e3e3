# Tests of the client side of the net layer.
patter_add_gtest(patter_net_client_tests
  SOURCES
    http_client_test.cpp
    http_client_tls_test.cpp
    retry_test.cpp
    sse_parser_test.cpp
    ssrf_guard_test.cpp
    url_test.cpp
    ws_client_test.cpp
  LIBS patter_net patter_fakes
  LABEL unit)
