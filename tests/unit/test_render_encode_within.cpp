#include <doctest/doctest.h>
#include <glib-object.h>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "presets/format_defaults.hpp"
#include "render/encode.hpp"
#include "render/runtime.hpp"
#include "render_support.hpp"

using namespace prerender;
using test::fixture;

namespace {

// A real photo (tests/fixtures/ATTRIBUTION.md) at 300 px wide: small enough that a hundred encodes stay fast.
vips::VImage photo() { return vips::VImage::thumbnail(fixture("images/landscape-1.jpg").c_str(), 300).copy_memory(); }

presets::EncodeSettings jpeg_at(int quality) {
  presets::EncodeSettings s = presets::traits(presets::Format::jpeg).defaults;
  s.quality = quality;
  return s;
}

// The quality of every JPEG saver libvips builds while it lives: each encode, whatever its outcome,
// builds one.
class SavedQualities {
 public:
  SavedQualities()
      : m_signal(g_signal_lookup("postbuild", VIPS_TYPE_OBJECT)),
        m_hook(g_signal_add_emission_hook(m_signal, 0, &SavedQualities::seen, &m_qualities, nullptr)) {}
  ~SavedQualities() { g_signal_remove_emission_hook(m_signal, m_hook); }
  SavedQualities(const SavedQualities&) = delete;
  SavedQualities& operator=(const SavedQualities&) = delete;
  const std::vector<int>& qualities() const { return m_qualities; }

 private:
  static gboolean seen(GSignalInvocationHint*, guint n, const GValue* values, gpointer data) {
    if (n == 0 || !G_VALUE_HOLDS_OBJECT(&values[0])) return TRUE;
    GObject* object = G_OBJECT(g_value_get_object(&values[0]));
    if (std::string(G_OBJECT_TYPE_NAME(object)) != "VipsForeignSaveJpegBuffer") return TRUE;
    int quality = 0;
    g_object_get(object, "Q", &quality, nullptr);
    static_cast<std::vector<int>*>(data)->push_back(quality);
    return TRUE;
  }
  guint m_signal;
  gulong m_hook;
  std::vector<int> m_qualities;
};

}  // namespace

TEST_CASE("a budget the settings' quality fits keeps that quality with one encode") {
  const vips::VImage image = photo();
  const std::string at80 = render::encode(image, jpeg_at(80), {});
  const render::Budgeted b = render::encode_within(image, jpeg_at(80), {}, at80.size());
  CHECK(b.quality == 80);
  CHECK(b.encodes == 1);
  CHECK(b.bytes == at80);
  const render::Budgeted unbounded = render::encode_within(image, jpeg_at(80), {}, std::nullopt);
  CHECK(unbounded.quality == 80);
  CHECK(unbounded.bytes == at80);
}

TEST_CASE("max_bytes picks a quality whose output fits while the next quality's does not, in at most 8 encodes") {
  const vips::VImage image = photo();
  std::map<int, std::size_t> sizes;  // by quality, encoded when first needed
  auto size = [&](int q) {
    auto found = sizes.find(q);
    if (found == sizes.end()) found = sizes.emplace(q, render::encode(image, jpeg_at(q), {}).size()).first;
    return found->second;
  };
  MESSAGE("jpeg bytes at quality 1, 20, 50, 79, 80: " << size(1) << " " << size(20) << " " << size(50) << " "
                                                      << size(79) << " " << size(80));
  REQUIRE(size(1) < size(80));
  // Budgets on and one byte over the sizes of qualities from just above 1 to just under 80.
  for (int target : {2, 11, 37, 64, 79}) {
    for (std::size_t slack : {std::size_t{0}, std::size_t{1}}) {
      const std::uint64_t budget = size(target) + slack;
      CAPTURE(target);
      CAPTURE(budget);
      const render::Budgeted b = render::encode_within(image, jpeg_at(80), {}, budget);
      CHECK(b.bytes.size() <= budget);
      CHECK(b.bytes.size() == size(b.quality));
      CHECK(b.quality < 80);
      CHECK(size(b.quality + 1) > budget);
      CHECK(b.encodes <= 8);
    }
  }
}

TEST_CASE(
    "an impossible budget throws naming the smallest size reached, after at most 8 encodes of distinct qualities") {
  const vips::VImage image = photo();
  const std::size_t smallest = render::encode(image, jpeg_at(1), {}).size();
  for (int quality : {80, 100, 30}) {
    CAPTURE(quality);
    const SavedQualities saves;
    try {
      render::encode_within(image, jpeg_at(quality), {}, smallest - 1);
      FAIL("a budget under quality 1's size was met");
    } catch (const render::RenderError& e) {
      CHECK(std::string(e.what()) == "cannot fit max_bytes " + std::to_string(smallest - 1) +
                                         " as jpeg: the smallest output reached was " + std::to_string(smallest) +
                                         " bytes (quality 1)");
    }
    const std::vector<int>& tried = saves.qualities();
    const std::set<int> distinct(tried.begin(), tried.end());
    CHECK(tried.size() <= 8);
    CHECK(tried.front() == quality);
    CHECK(distinct.count(1) == 1);
    CHECK(distinct.size() == tried.size());  // an encode whose size is already known is time wasted
  }
}
