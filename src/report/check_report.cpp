#include "report/check_report.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "report/html.hpp"
#include "report/quality_stats.hpp"
#include "util/units.hpp"

namespace prerender::report {
namespace {

std::string_view tag(Finding finding) {
  switch (finding) {
    case Finding::render_error: return "ERROR";
    case Finding::missing_reference: return "MISSING";
    case Finding::unreadable_reference: return "UNREADABLE";
    case Finding::format: return "FORMAT";
    case Finding::dimensions: return "SIZE";
    case Finding::difference: return "DIFF";
    case Finding::bytes: return "BYTES";
    case Finding::extra_reference: return "EXTRA";
  }
  return "FAIL";
}

// Failing renditions, most serious first; among differences, the largest first.
std::vector<const RenditionCheck*> failures(const CheckResult& result) {
  std::vector<const RenditionCheck*> out;
  for (const RenditionCheck& c : result.renditions)
    if (!c.passed()) out.push_back(&c);
  std::stable_sort(out.begin(), out.end(), [](const RenditionCheck* a, const RenditionCheck* b) {
    if (a->primary() != b->primary()) return a->primary() < b->primary();
    return a->difference.value_or(0) > b->difference.value_or(0);
  });
  return out;
}

std::string counts_text(const CheckResult& r) {
  return fmt::format("{} match, {} differ, {} without a reference, {} extra reference{}, {} failed to render",
                     r.count_passed(), r.count_differing(), r.count(Finding::missing_reference),
                     r.count(Finding::extra_reference), r.count(Finding::extra_reference) == 1 ? "" : "s",
                     r.count(Finding::render_error));
}

std::string score(const RenditionCheck& c) {
  return c.difference ? fmt::format("{:.4f}", *c.difference) : std::string("-");
}

}  // namespace

std::string check_text(const CheckResult& r) {
  std::string out;
  if (r.update) {
    for (const std::string& path : r.update->added) out += fmt::format("added    {}\n", path);
    for (const RenditionCheck* c : r.update->changed)
      out += fmt::format("changed  {}  difference {}, {} -> {}\n", c->path, score(*c),
                         util::format_size(c->reference_bytes), util::format_size(c->bytes));
    for (const std::string& path : r.update->removed) out += fmt::format("removed  {}\n", path);
    for (const RenditionCheck& c : r.renditions)
      if (c.has(Finding::render_error))
        out += fmt::format("ERROR    {}  {}  (its reference is kept)\n", c.path, c.problems_text());
    out += fmt::format(
        "prerender check --update: {} added, {} changed, {} removed, {} unchanged, {} failed to render in {} ({:.1f} "
        "s)\n",
        r.update->added.size(), r.update->changed.size(), r.update->removed.size(), r.update->unchanged,
        r.count(Finding::render_error), r.golden, r.seconds);
    return out;
  }
  for (const RenditionCheck* c : failures(r))
    out += fmt::format("{:<10} {}  {}\n", tag(c->primary()), c->path, c->problems_text());
  out += fmt::format("prerender check: {} rendition{} against {}: {} ({:.1f} s)\n", r.renditions.size(),
                     r.renditions.size() == 1 ? "" : "s", r.golden, counts_text(r), r.seconds);
  return out;
}

namespace {

bool shows_quality(std::string_view format) { return format != "png" && format != "gif"; }

// " · quality 70" for a lossy format, " · quality unknown" when the file does not tell.
std::string quality_text(std::string_view format, std::optional<int> quality) {
  if (format.empty() || !shows_quality(format)) return {};
  if (quality) return fmt::format(" · quality {}", *quality);
  return " · <span title=\"the file does not record the quality it was encoded at\">quality unknown</span>";
}

// The new output's quality, with quality: auto's butteraugli score when it has one: "68 (butteraugli 1.48)".
std::string chosen_quality(const RenditionCheck& c) {
  if (!shows_quality(c.format)) return "-";
  std::string out = std::to_string(c.quality);
  return out + auto_quality_note(c.butteraugli, c.full_chroma);
}

std::string figure(const std::optional<ShownImage>& image, int width, int zoom, std::string_view label,
                   std::string caption, std::string_view absent, std::string_view format = "") {
  if (image && image->mime == "image/png" && !format.empty() && format != "png") caption += " · shown as PNG";
  const std::string picture = image ? html::pane(*image, width, label, zoom)
                                    : fmt::format("<div class=\"missing\">{}</div>", html::escape(absent));
  return fmt::format("<figure>{}<figcaption>{}<b>{}</b> {}</figcaption></figure>\n", picture,
                     image && width > 0 ? html::zoom_label(zoom) : "", html::escape(label), caption);
}

std::string failure_section(const RenditionCheck& c, std::size_t index) {
  using html::escape;
  std::string tags;
  for (const Problem& p : c.problems)
    if (tags.find(std::string(name(p.finding))) == std::string::npos)
      tags += fmt::format("<span class=\"tag {}\">{}</span>", name(p.finding), escape(std::string(name(p.finding))));
  std::string problems;
  for (const Problem& p : c.problems) problems += fmt::format("<li>{}</li>", escape(p.message));
  const std::string meta = c.preset.empty()
                               ? std::string("a reference no rendition of the manifest writes")
                               : fmt::format("asset <code>{}</code> · preset <code>{}</code> · {} · dpr {}",
                                             escape(c.asset), escape(c.preset), escape(c.format), c.dpr);
  std::string reference_caption;
  if (c.has_reference) {
    if (c.reference_width > 0) reference_caption = fmt::format("{}x{} · ", c.reference_width, c.reference_height);
    reference_caption += fmt::format("{} · {}{}", util::format_size(c.reference_bytes), escape(c.reference_format),
                                     quality_text(c.reference_format, c.reference_quality));
  }
  const std::string new_caption =
      c.rendered ? fmt::format("{}x{} · {} · {}{}{}", c.width, c.height, util::format_size(c.bytes), escape(c.format),
                               quality_text(c.format, c.quality),
                               auto_quality_note(c.butteraugli, c.full_chroma))
                 : std::string();
  // One zoom for the whole row, so that reference, new output and heat map are compared at one scale.
  const int zoom = html::zoom_for(std::max(c.reference_width, c.rendered ? c.width : 0));
  std::string images = figure(c.reference_image, c.reference_width, zoom, "Reference", reference_caption,
                              c.has_reference ? "cannot be shown" : "no reference", c.reference_format);
  if (!c.preset.empty())
    images += figure(c.new_image, c.width, zoom, "New", new_caption, c.rendered ? "cannot be shown" : "not rendered",
                     c.format);
  if (c.heat_map)
    images += figure(c.heat_map, c.width, zoom, "Difference",
                     fmt::format("{:.4f}, tolerance {} · <span class=\"legend\"></span> unchanged → changed",
                                 c.difference.value_or(0), c.max_difference),
                     "");
  return fmt::format(
      "<section class=\"case\" id=\"case-{}\">\n<h3><code>{}</code>{}</h3>\n<p class=\"meta\">{}</p>\n<ul "
      "class=\"problems\">{}</ul>\n"
      "<div class=\"images compare\">\n{}</div>\n</section>\n",
      index, escape(c.path), tags, meta, problems, images);
}

// The renditions of one preset (or the extra references, preset empty), in plan order of the first.
struct PresetGroup {
  std::string preset;
  std::size_t renditions = 0, differing = 0, missing = 0, errors = 0, extra = 0;
  std::vector<const RenditionCheck*> failing;  // in report order
};

std::vector<PresetGroup> preset_groups(const CheckResult& r, const std::vector<const RenditionCheck*>& failing) {
  std::vector<PresetGroup> out;
  auto group_of = [&](const std::string& preset) -> PresetGroup& {
    for (PresetGroup& g : out)
      if (g.preset == preset) return g;
    out.emplace_back().preset = preset;
    return out.back();
  };
  for (const RenditionCheck& c : r.renditions) {
    PresetGroup& g = group_of(c.preset);
    ++g.renditions;
    if (c.passed()) continue;
    if (c.has(Finding::extra_reference))
      ++g.extra;
    else if (c.has(Finding::render_error))
      ++g.errors;
    else if (c.has(Finding::missing_reference))
      ++g.missing;
    else
      ++g.differing;
  }
  // Extra references last, whatever the order of the paths.
  std::stable_partition(out.begin(), out.end(), [](const PresetGroup& g) { return !g.preset.empty(); });
  for (const RenditionCheck* c : failing)
    for (PresetGroup& g : out)
      if (g.preset == c->preset) g.failing.push_back(c);
  return out;
}

// "card: 3 of 12 differ, 1 missing reference, 1 failed to render", or "card: all 12 match".
std::string group_summary(const PresetGroup& g) {
  if (g.preset.empty())
    return fmt::format("{} extra reference{} that no rendition writes", g.extra, g.extra == 1 ? "" : "s");
  if (g.failing.empty()) return fmt::format("all {} match", g.renditions);
  std::string out = fmt::format("{} of {} differ", g.differing, g.renditions);
  if (g.missing > 0) out += fmt::format(", {} missing reference{}", g.missing, g.missing == 1 ? "" : "s");
  if (g.errors > 0) out += fmt::format(", {} failed to render", g.errors);
  return out;
}

std::string group_title(const PresetGroup& g) { return g.preset.empty() ? std::string("extra references") : g.preset; }

}  // namespace

std::string check_html(const CheckResult& r) {
  using html::escape;
  const std::vector<const RenditionCheck*> failing = failures(r);
  std::string body;
  const std::string headline =
      failing.empty()
          ? fmt::format("All {} renditions match their references", r.renditions.size())
          : fmt::format("{} of {} renditions do not match their references", failing.size(), r.renditions.size());
  body += fmt::format(
      "<header class=\"{}\">\n<h1>{}</h1>\n<p>manifest <code>{}</code> · references <code>{}</code></p>\n"
      "<p>prerender {} · libvips {} · {:.1f} s</p>\n</header>\n<main>\n",
      failing.empty() ? "pass" : "fail", escape(headline), escape(r.manifest), escape(r.golden),
      escape(r.renderer_version), escape(r.libvips_version), r.seconds);

  auto chip = [](std::size_t n, std::string_view what, bool bad) {
    return fmt::format("<li{}><b>{}</b>{}</li>", bad && n > 0 ? " class=\"bad\"" : "", n, what);
  };
  body += "<ul class=\"counts\">" + chip(r.count_passed(), "match", false) + chip(r.count_differing(), "differ", true) +
          chip(r.count(Finding::missing_reference), "without a reference", true) +
          chip(r.count(Finding::extra_reference), "extra references", true) +
          chip(r.count(Finding::render_error), "failed to render", true) + "</ul>\n";

  // A line per preset, linking to its failures; then the failures preset by preset.
  const std::vector<PresetGroup> groups = preset_groups(r, failing);
  std::string lines, sections;
  std::size_t index = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const PresetGroup& group = groups[g];
    const std::string text = fmt::format("<b>{}</b>: {}", escape(group_title(group)), escape(group_summary(group)));
    if (group.failing.empty()) {
      lines += fmt::format("<li class=\"preset-summary\">{}</li>\n", text);
      continue;
    }
    lines += fmt::format("<li class=\"preset-summary\"><a href=\"#preset-{}\">{}</a></li>\n", g + 1, text);
    sections += fmt::format("<section class=\"preset\" id=\"preset-{}\">\n<h2>{}{}</h2>\n", g + 1,
                            group.preset.empty() ? "" : "preset ",
                            escape(group_title(group)) + " · " + escape(group_summary(group)));
    for (const RenditionCheck* c : group.failing) sections += failure_section(*c, ++index);
    sections += "</section>\n";
  }
  if (!failing.empty())
    body +=
        "<p class=\"note\">Images at their own size (one image pixel per CSS pixel; on a HiDPI screen zoom the page "
        "out to see "
        "device pixels), small ones enlarged by the factor on their badge; a large image scrolls, and the panes of a "
        "row "
        "scroll together.</p>\n";
  body += "<ul class=\"by-preset\">\n" + lines + "</ul>\n" + sections;

  std::string rows;
  for (const RenditionCheck& c : r.renditions) {
    if (!c.passed()) continue;
    rows += fmt::format(
        "<tr><td><code>{}</code></td><td>{}</td><td>{}x{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        escape(c.path), escape(c.preset), c.width, c.height, util::format_size(c.bytes), chosen_quality(c),
        c.identical ? "identical" : score(c), c.max_difference);
  }
  if (!rows.empty())
    body += fmt::format(
        "<details{}><summary>{} renditions "
        "match</summary>\n<table>\n<tr><th>path</th><th>preset</th><th>size</th><th>bytes</th><th>quality</th>"
        "<th>difference</th><th>tolerance</th></tr>\n{}</table>\n</details>\n",
        failing.empty() ? " open" : "", r.count_passed(), rows);
  body += "</main>\n";
  return html::page(
      failing.empty() ? "prerender check: all match" : fmt::format("prerender check: {} failing", failing.size()),
      body);
}

}  // namespace prerender::report
