// Reading a policy's parts from a rules directory, a single document, or the built-in copy.
#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>

#include "policy/builtin_policy.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

std::string stem_of(std::string_view file_name) {
  const auto dot = file_name.rfind('.');
  return std::string(file_name.substr(0, dot));
}

}  // namespace

PolicySource PolicySource::from_directory(const std::string& directory) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    throw Error(ErrorKind::not_found, directory, "not a rules directory");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  if (ec) throw Error(ErrorKind::io, directory, "cannot list the directory: " + ec.message());
  std::sort(files.begin(), files.end());  // a stable order, whatever the file system returns
  PolicySource source;
  for (const auto& file : files)
    source.parts.push_back(
        Part{stem_of(file.filename().string()), file.string(),
             read_json_file(file.string(), InputLimits{}, ErrorKind::invalid_policy)});
  return source;
}

PolicySource PolicySource::from_document(const json::value& document, std::string_view where) {
  if (!document.is_object())
    throw Error(ErrorKind::invalid_policy, std::string(where),
                "a policy document is an object whose keys are its parts (roles, gates, ...)");
  PolicySource source;
  for (const auto& kv : document.get_object())
    source.parts.push_back(Part{std::string(kv.key()),
                                std::string(where) + ": /" + std::string(kv.key()), kv.value()});
  return source;
}

PolicySource PolicySource::builtin() {
  PolicySource source;
  for (const auto& file : detail::builtin_policy_files()) {
    const std::string where = "rules/default/" + std::string(file.name);
    source.parts.push_back(
        Part{stem_of(file.name), where,
             parse_json(file.content, InputLimits{}, where, ErrorKind::invalid_policy)});
  }
  return source;
}

UNDERTAKE_END_NAMESPACE
