# Tests of the server side of the net layer.
patter_add_gtest(patter_net_server_tests
  SOURCES
    server_fixture.cpp
    test_cert.cpp
    io_pool_test.cpp
    http_message_test.cpp
    http_server_test.cpp
    websocket_test.cpp
    tls_server_test.cpp
    loopback_test.cpp
  LIBS patter_net patter_fakes
  LABEL unit)
target_precompile_headers(patter_net_server_tests PRIVATE ${PROJECT_SOURCE_DIR}/src/net/net_pch.hpp)
