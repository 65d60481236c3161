#include "gateway/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <future>
#include <limits>
#include <optional>
#include <sstream>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "gateway/json_log.h"
#include "gateway/metrics_http.h"

namespace zorgbrug::gateway {
namespace {

// Whether `part` occurs in `text`; the failure message shows the whole text.
::testing::AssertionResult Contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";

TEST(CounterFamily, RendersEscapedLabelValuesInOrder) {
  CounterFamily family("t_total", "Help with \\ and\nnewline.", {"path"});
  family.Add({"plain"});
  family.Add({"a\"b\\c\nd"}, 2);
  family.Add({"plain"});
  family.Add({"one", "too many"});  // wrong arity: ignored
  std::string out;
  family.Render(out);
  EXPECT_EQ(out,
            "# HELP t_total Help with \\\\ and\\nnewline.\n"
            "# TYPE t_total counter\n"
            "t_total{path=\"a\\\"b\\\\c\\nd\"} 2\n"
            "t_total{path=\"plain\"} 2\n");
}

TEST(CounterFamily, NewLabelValuesBeyondTheBoundGoToOverflow) {
  CounterFamily family("b_total", "B.", {"x", "y"}, /*max_series=*/2);
  family.Add({"a", "1"});
  family.Add({"b", "1"});
  family.Add({"c", "1"});
  family.Add({"d", "1"}, 2);
  family.Add({"a", "1"});
  std::string out;
  family.Render(out);
  EXPECT_EQ(out,
            "# HELP b_total B.\n"
            "# TYPE b_total counter\n"
            "b_total{x=\"_overflow\",y=\"_overflow\"} 3\n"
            "b_total{x=\"a\",y=\"1\"} 2\n"
            "b_total{x=\"b\",y=\"1\"} 1\n");
}

TEST(CounterFamily, UnlabelledStartsAtZero) {
  CounterFamily family("c_total", "C.", {});
  std::string out;
  family.Render(out);
  EXPECT_EQ(out, "# HELP c_total C.\n# TYPE c_total counter\nc_total 0\n");
}

TEST(HistogramFamily, RendersCumulativeBucketsSumAndCount) {
  HistogramFamily family("h_seconds", "H.", {"m", "k"}, {0.5, 1, 2.5});
  family.Observe({"x", "y"}, 0.5);  // on a bound: counts in le="0.5"
  family.Observe({"x", "y"}, 0.75);
  family.Observe({"x", "y"}, 3);
  std::string out;
  family.Render(out);
  EXPECT_EQ(out,
            "# HELP h_seconds H.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{m=\"x\",k=\"y\",le=\"0.5\"} 1\n"
            "h_seconds_bucket{m=\"x\",k=\"y\",le=\"1\"} 2\n"
            "h_seconds_bucket{m=\"x\",k=\"y\",le=\"2.5\"} 2\n"
            "h_seconds_bucket{m=\"x\",k=\"y\",le=\"+Inf\"} 3\n"
            "h_seconds_sum{m=\"x\",k=\"y\"} 4.25\n"
            "h_seconds_count{m=\"x\",k=\"y\"} 3\n");
  EXPECT_EQ(family.Count({"x", "y"}), 3u);
}

TEST(FormatSampleValue, ShortestExactDigits) {
  EXPECT_EQ(FormatSampleValue(0.0005), "0.0005");
  EXPECT_EQ(FormatSampleValue(2.5), "2.5");
  EXPECT_EQ(FormatSampleValue(10), "10");
  EXPECT_EQ(FormatSampleValue(1e-5), "1e-05");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Metrics, CountsCommitsMessagesAndDeliveries) {
  Metrics metrics;
  metrics.RecordCommit(1500, 3);
  metrics.RecordCommit(250, 0);
  metrics.CountMessage("bib-screening", "accepted");
  metrics.CountMessage("bib-screening", "duplicate");
  metrics.CountMessage("bib-screening", "accepted");
  metrics.CountDelivery("kind-en-gezin", "acknowledged");
  EXPECT_EQ(metrics.MessageCount("bib-screening", "accepted"), 2u);
  EXPECT_EQ(metrics.DeliveryCount("kind-en-gezin", "timed_out"), 0u);
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "\nzorgbrug_store_commits_total 2\n"));
  EXPECT_TRUE(Contains(text, "\nzorgbrug_store_committed_changes_total 3\n"));
  EXPECT_TRUE(
      Contains(text, "\nzorgbrug_store_commit_duration_seconds_bucket{le=\"0.00025\"} 1\n"));
  EXPECT_TRUE(Contains(text, "\nzorgbrug_store_commit_duration_seconds_bucket{le=\"0.001\"} 1\n"));
  EXPECT_TRUE(Contains(text, "\nzorgbrug_store_commit_duration_seconds_bucket{le=\"0.0025\"} 2\n"));
  EXPECT_TRUE(Contains(text, "\nzorgbrug_store_commit_duration_seconds_sum 0.00175\n"));
  EXPECT_TRUE(Contains(text,
                       "\nzorgbrug_messages_total{event=\"bib-screening\","
                       "outcome=\"accepted\"} 2\n"));
  EXPECT_TRUE(Contains(text,
                       "\nzorgbrug_deliveries_total{destination=\"kind-en-gezin\","
                       "result=\"acknowledged\"} 1\n"));
  EXPECT_TRUE(Contains(text, "# TYPE zorgbrug_rpc_requests_total counter\n"));
  EXPECT_FALSE(Contains(text, "zorgbrug_queue_source_up"));  // no source set
}

TEST(Metrics, QueueGaugesFromSourceAtScrapeTime) {
  Metrics metrics;
  int64_t now_ms = 100'000;
  metrics.SetClock([&now_ms] { return now_ms; });
  metrics.SetQueueSource([]() -> absl::StatusOr<std::vector<QueueGauge>> {
    return std::vector<QueueGauge>{{"b", 2, 1, 94'500}, {"a", 0, 3, 0}};
  });
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "\nzorgbrug_queue_source_up 1\n"));
  EXPECT_TRUE(Contains(text,
                       "\nzorgbrug_queue_pending{destination=\"a\"} 0\n"
                       "zorgbrug_queue_pending{destination=\"b\"} 2\n"));
  EXPECT_TRUE(Contains(text,
                       "\nzorgbrug_queue_oldest_age_seconds{destination=\"a\"} 0\n"
                       "zorgbrug_queue_oldest_age_seconds{destination=\"b\"} 5.5\n"));
  EXPECT_TRUE(Contains(text,
                       "\nzorgbrug_dead_letters{destination=\"a\"} 3\n"
                       "zorgbrug_dead_letters{destination=\"b\"} 1\n"));
  now_ms = 160'000;
  text = metrics.Render();
  EXPECT_TRUE(Contains(text, "\nzorgbrug_queue_oldest_age_seconds{destination=\"b\"} 65.5\n"));
}

TEST(Metrics, FailingQueueSourceKeepsTheScrape) {
  Metrics metrics;
  metrics.RecordCommit(100, 1);
  metrics.SetQueueSource([]() -> absl::StatusOr<std::vector<QueueGauge>> {
    return absl::UnavailableError("database is locked");
  });
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "\nzorgbrug_queue_source_up 0\n"));
  EXPECT_FALSE(Contains(text, "zorgbrug_queue_pending"));
  EXPECT_TRUE(Contains(text, "\nzorgbrug_store_commits_total 1\n"));
}

constexpr char kInvalid[] = "/test.Fixed/Invalid";

// Answers kInvalid with INVALID_ARGUMENT and any other method no service has with UNIMPLEMENTED,
// as gRPC's own fallback for callback servers does; on the callback API.
class FixedStatusService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    class Reactor : public grpc::ServerGenericBidiReactor {
     public:
      explicit Reactor(grpc::Status status) { Finish(std::move(status)); }
      void OnDone() override { delete this; }
    };
    if (context->method() == kInvalid) {
      return new Reactor(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "invalid"));
    }
    return new Reactor(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""));
  }
};

// Calls `method` with a serialized request through a generic stub and returns the status.
grpc::Status CallGeneric(grpc::GenericStub& stub, const std::string& method,
                         const std::string& request, std::string* response_bytes) {
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  std::vector<grpc::Slice> slices;
  response_bytes->clear();
  if (status.ok() && response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return status;
}

TEST(RpcInterceptor, RecordsEachCallWithItsStatus) {
  Metrics metrics;
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(NewRpcInterceptorFactory(&metrics));
  builder.experimental().SetInterceptorCreators(std::move(factories));
  FixedStatusService fixed;
  builder.RegisterCallbackGenericService(&fixed);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_TRUE(server != nullptr);
  ASSERT_GT(port, 0);
  server->GetHealthCheckService()->SetServingStatus("", true);

  grpc::GenericStub stub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  std::string response;
  // HealthCheckRequest{} is empty; HealthCheckResponse{status: SERVING} is 08 01.
  EXPECT_TRUE(CallGeneric(stub, kHealthCheck, "", &response).ok());
  EXPECT_EQ(response, std::string("\x08\x01", 2));
  // HealthCheckRequest{service: "nope"}: an unknown service is NOT_FOUND.
  EXPECT_EQ(CallGeneric(stub, kHealthCheck, std::string("\x0a\x04nope", 6), &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CallGeneric(stub, kInvalid, "", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CallGeneric(stub, "/made.Up/Method", "", &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  server->Shutdown();

  EXPECT_EQ(metrics.RpcCount(kHealthCheck, grpc::StatusCode::OK), 1u);
  EXPECT_EQ(metrics.RpcCount(kHealthCheck, grpc::StatusCode::NOT_FOUND), 1u);
  EXPECT_EQ(metrics.RpcCount(kInvalid, grpc::StatusCode::INVALID_ARGUMENT), 1u);
  EXPECT_EQ(metrics.RpcCount(kUnknownRpcMethod, grpc::StatusCode::UNIMPLEMENTED), 1u);
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text,
                       "\nzorgbrug_rpc_requests_total{method=\"/grpc.health.v1.Health/"
                       "Check\",code=\"OK\"} 1\n"));
  EXPECT_FALSE(Contains(text, "/made.Up/Method"));
  EXPECT_TRUE(Contains(text,
                       "\nzorgbrug_rpc_duration_seconds_count{method=\"/grpc.health.v1."
                       "Health/Check\"} 2\n"));
}

struct HttpResponse {
  int status = 0;
  std::string head;
  std::string body;
};

// One HTTP/1.1 request over a plain socket to 127.0.0.1:`port`; status 0 when the exchange fails.
HttpResponse HttpRequest(int port, const std::string& method, const std::string& path) {
  HttpResponse result;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return result;
  timeval timeout{.tv_sec = 30, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request =
        method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) raw.append(buffer, n);
    }
  }
  close(fd);
  const size_t split = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || split == std::string::npos) return result;
  result.status = std::stoi(raw.substr(9, 3));
  result.head = raw.substr(0, split);
  result.body = raw.substr(split + 4);
  return result;
}

TEST(MetricsHttpServer, ServesMetricsOnGetOnly) {
  Metrics metrics;
  metrics.CountMessage("consultation", "accepted");
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start(&metrics, "127.0.0.1:0");
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  ASSERT_GT(port, 0);
  EXPECT_EQ((*server)->address(), absl::StrCat("127.0.0.1:", port));

  HttpResponse ok = HttpRequest(port, "GET", "/metrics");
  EXPECT_EQ(ok.status, 200);
  EXPECT_TRUE(Contains(ok.head, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  EXPECT_EQ(ok.body, metrics.Render());
  EXPECT_TRUE(Contains(ok.body, "zorgbrug_messages_total{event=\"consultation\""));
  EXPECT_EQ(HttpRequest(port, "GET", "/other").status, 404);
  EXPECT_EQ(HttpRequest(port, "POST", "/metrics").status, 405);

  // The port is taken while the server runs.
  EXPECT_EQ(MetricsHttpServer::Start(&metrics, (*server)->address()).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(MetricsHttpServer, RefusesMalformedAddresses) {
  Metrics metrics;
  for (const char* listen : {"9464", "localhost:9464", "127.0.0.1:9464s", "127.0.0.1:70000",
                             "127.0.0.1:1,127.0.0.1:2", "127.0.0.1:"}) {
    EXPECT_EQ(MetricsHttpServer::Start(&metrics, listen).status().code(),
              absl::StatusCode::kInvalidArgument)
        << listen;
  }
}

TEST(JsonLogFormatter, OneEscapedObjectPerRecord) {
  const auto time = spdlog::log_clock::time_point(std::chrono::milliseconds(1795482123456));
  const std::string payload = "a\"b\\c\nd\t\x01 \xc3\xa9 bad:\xff";
  spdlog::details::log_msg msg(time, spdlog::source_loc{}, "zorgbrug", spdlog::level::warn,
                               spdlog::string_view_t(payload.data(), payload.size()));
  spdlog::memory_buf_t out;
  JsonLogFormatter().format(msg, out);
  EXPECT_EQ(std::string(out.data(), out.size()),
            "{\"time\":\"2026-11-24T01:02:03.456Z\",\"level\":\"warning\",\"logger\":\"zorgbrug\","
            "\"msg\":\"a\\\"b\\\\c\\nd\\t\\u0001 \xc3\xa9 bad:\\ufffd\"}\n");
}

TEST(AppendJsonEscaped, ReplacesEachByteThatIsNotUtf8) {
  spdlog::memory_buf_t out;
  // Valid 2-, 3- and 4-byte forms; an overlong '/', a surrogate and a cut sequence.
  AppendJsonEscaped("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\xc0\xaf|\xed\xa0\x80|\x7f\xe2\x82", out);
  EXPECT_EQ(std::string(out.data(), out.size()),
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\x7f"
            "\\ufffd\\ufffd");
}

TEST(NewJsonLogger, EveryLineParsesBackToTheMessage) {
  std::ostringstream stream;
  std::shared_ptr<spdlog::logger> logger =
      NewJsonLogger(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream));
  logger->set_level(spdlog::level::info);
  const std::vector<std::string> messages = {"plain 1", "quote \" and \\ and\nnewline\r\x1f",
                                             "utf-8 \xe2\x82\xac \xf0\x9f\x98\x80"};
  for (const std::string& message : messages) logger->info("{}", message);
  logger->debug("below the level");

  std::istringstream lines(stream.str());
  std::string line;
  size_t index = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(index, messages.size()) << line;
    fhir::IssueCollector issues;
    std::optional<fhir::json::Document> document =
        fhir::json::Parse(line, fhir::json::ParseLimits(), issues);
    ASSERT_TRUE(document.has_value()) << line;
    const fhir::json::Value& object = document->root();
    ASSERT_TRUE(object.IsObject());
    EXPECT_EQ(object.size(), 4u);
    EXPECT_EQ(object.FindString("level"), "info");
    EXPECT_EQ(object.FindString("logger"), kJsonLoggerName);
    const std::string_view time = object.FindString("time");
    EXPECT_EQ(time.size(), 24u);
    EXPECT_EQ(time.back(), 'Z');
    EXPECT_EQ(object.FindString("msg"), messages[index]);
    ++index;
  }
  EXPECT_EQ(index, messages.size());
}

}  // namespace
}  // namespace zorgbrug::gateway
