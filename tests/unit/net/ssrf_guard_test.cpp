#include "net/ssrf_guard.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace patter::net {
namespace {

using Status = OutboundUrlStatus;

struct Case {
  std::string_view url;
  Status expected;
  bool insecure;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.url;
}

class OutboundUrlTable : public ::testing::TestWithParam<Case> {};

TEST_P(OutboundUrlTable, GivesTheExpectedVerdict) {
  const auto& c = GetParam();
  const auto check = check_outbound_url(c.url);
  EXPECT_EQ(check.status, c.expected) << check.reason;
  EXPECT_EQ(check.insecure, c.insecure);
  EXPECT_EQ(check.allowed(), c.expected == Status::allowed);
  EXPECT_EQ(check.reason.empty(), c.expected == Status::allowed) << check.reason;
}

INSTANTIATE_TEST_SUITE_P(
    PublicUrls, OutboundUrlTable,
    ::testing::Values(Case{"https://api.example.com/tools/lookup", Status::allowed, false},
                      Case{"wss://agent.example.com/ws", Status::allowed, false},
                      Case{"http://example.com/hook", Status::allowed, true},
                      Case{"ws://example.com:8080/stream", Status::allowed, true},
                      Case{"HTTPS://EXAMPLE.COM/", Status::allowed, false},
                      Case{"https://8.8.8.8/", Status::allowed, false},
                      Case{"https://172.32.0.1/", Status::allowed, false},
                      Case{"https://100.128.0.1/", Status::allowed, false},
                      Case{"https://[2001:4860:4860::8888]/", Status::allowed, false},
                      Case{"https://[::ffff:8.8.8.8]/", Status::allowed, false},
                      Case{"https://localhost.example.com/", Status::allowed, false},
                      Case{"https://my_host.example.com/", Status::allowed, false}));

INSTANTIATE_TEST_SUITE_P(
    BadSchemesAndShapes, OutboundUrlTable,
    ::testing::Values(Case{"ftp://example.com/", Status::scheme_not_allowed, false},
                      Case{"file:///etc/passwd", Status::scheme_not_allowed, false},
                      Case{"gopher://example.com/", Status::scheme_not_allowed, false},
                      Case{"javascript:alert(1)", Status::scheme_not_allowed, false},
                      Case{"/relative/path", Status::malformed, false},
                      Case{"not a url", Status::malformed, false},
                      Case{"https:///no-host", Status::malformed, false},
                      Case{"https://exa%00mple.com/", Status::malformed, false},
                      Case{"https://ex\xC3\xA4mple.com/", Status::malformed, false},
                      Case{"https://1.2.3.09/", Status::malformed, false},
                      Case{"https://foo.123/", Status::malformed, false},
                      Case{"https://[v1.fe80::a]/", Status::malformed, false},
                      Case{"https://example.com@127.0.0.1/", Status::credentials_in_url, false},
                      Case{"http://user:pw@example.com/", Status::credentials_in_url, true}));

INSTANTIATE_TEST_SUITE_P(
    BlockedNames, OutboundUrlTable,
    ::testing::Values(Case{"http://localhost:8080/", Status::blocked_host, true},
                      Case{"https://LOCALHOST./", Status::blocked_host, false},
                      Case{"https://localhost.localdomain/", Status::blocked_host, false},
                      Case{"https://api.localhost/", Status::blocked_host, false},
                      Case{"https://ip6-localhost/", Status::blocked_host, false},
                      Case{"https://ip6-loopback/", Status::blocked_host, false},
                      Case{"http://metadata/computeMetadata/v1/", Status::blocked_host, true},
                      Case{"http://metadata.google.internal/", Status::blocked_host, true},
                      Case{"https://metadata.azure.com/", Status::blocked_host, false}));

INSTANTIATE_TEST_SUITE_P(
    BlockedIpv4, OutboundUrlTable,
    ::testing::Values(Case{"http://127.0.0.1:9000/", Status::blocked_address, true},
                      Case{"https://127.255.255.254/", Status::blocked_address, false},
                      Case{"https://0.0.0.0/", Status::blocked_address, false},
                      Case{"https://10.1.2.3/", Status::blocked_address, false},
                      Case{"https://172.16.0.1/", Status::blocked_address, false},
                      Case{"https://172.31.255.255/", Status::blocked_address, false},
                      Case{"https://192.168.1.1/", Status::blocked_address, false},
                      Case{"http://169.254.169.254/latest/meta-data/", Status::blocked_address,
                           true},
                      Case{"https://100.64.0.1/", Status::blocked_address, false},
                      Case{"https://224.0.0.1/", Status::blocked_address, false},
                      Case{"https://255.255.255.255/", Status::blocked_address, false},
                      Case{"http://2130706433/", Status::blocked_address, true},
                      Case{"http://0x7f.1/", Status::blocked_address, true},
                      Case{"http://0x7F000001/", Status::blocked_address, true},
                      Case{"http://0177.0.0.1/", Status::blocked_address, true},
                      Case{"http://127.1/", Status::blocked_address, true},
                      Case{"http://127.0.0.1./", Status::blocked_address, true},
                      Case{"http://%31%32%37.0.0.1/", Status::blocked_address, true},
                      Case{"http://0/", Status::blocked_address, true},
                      Case{"http://012.0x10.0.1/", Status::blocked_address, true}));

INSTANTIATE_TEST_SUITE_P(
    BlockedIpv6, OutboundUrlTable,
    ::testing::Values(Case{"http://[::1]:8080/", Status::blocked_address, true},
                      Case{"https://[::]/", Status::blocked_address, false},
                      Case{"https://[0:0:0:0:0:0:0:1]/", Status::blocked_address, false},
                      Case{"https://[fc00::1]/", Status::blocked_address, false},
                      Case{"https://[fd12:3456::1]/", Status::blocked_address, false},
                      Case{"https://[fe80::1]/", Status::blocked_address, false},
                      Case{"https://[febf::1]/", Status::blocked_address, false},
                      Case{"https://[::ffff:127.0.0.1]/", Status::blocked_address, false},
                      Case{"https://[::ffff:169.254.169.254]/", Status::blocked_address, false},
                      Case{"https://[::ffff:a00:1]/", Status::blocked_address, false},
                      Case{"https://[::127.0.0.1]/", Status::blocked_address, false},
                      Case{"https://[ff02::1]/", Status::blocked_address, false}));

TEST(OutboundUrl, ReasonNamesTheAddressBehindAnUnusualSpelling) {
  EXPECT_EQ(check_outbound_url("http://0x7f.1/").reason,
            "host 0x7f.1 is 127.0.0.1, a loopback address");
  EXPECT_EQ(check_outbound_url("https://10.0.0.1/").reason, "host 10.0.0.1 is a private address");
  EXPECT_EQ(check_outbound_url("https://[::ffff:127.0.0.1]/").reason,
            "host [::ffff:127.0.0.1] is a loopback IPv4-mapped address");
  EXPECT_EQ(check_outbound_url("https://metadata.google.internal/").reason,
            "host \"metadata.google.internal\" refers to this machine or a cloud metadata service");
}

TEST(OutboundUrl, AllowListOverridesTheRulesForTheListedHostOnly) {
  const OutboundUrlPolicy policy{.allowed_hosts = {"127.0.0.1", "[::1]", "LocalHost"}};
  const auto loopback = check_outbound_url("http://127.0.0.1:8080/hook", policy);
  EXPECT_TRUE(loopback.allowed()) << loopback.reason;
  EXPECT_TRUE(loopback.insecure);
  EXPECT_TRUE(check_outbound_url("http://2130706433/", policy).allowed());
  EXPECT_TRUE(check_outbound_url("ws://[::1]:9000/", policy).allowed());
  EXPECT_TRUE(check_outbound_url("http://localhost/", policy).allowed());
  EXPECT_EQ(check_outbound_url("http://127.0.0.2/", policy).status, Status::blocked_address);
  EXPECT_EQ(check_outbound_url("http://169.254.169.254/", policy).status, Status::blocked_address);
  EXPECT_EQ(check_outbound_url("ftp://127.0.0.1/", policy).status, Status::scheme_not_allowed);
}

TEST(OutboundUrl, AllowListAcceptsBareIpv6Entries) {
  const OutboundUrlPolicy policy{.allowed_hosts = {"::1"}};
  EXPECT_TRUE(check_outbound_url("https://[0:0::1]/", policy).allowed());
}

}  // namespace
}  // namespace patter::net
