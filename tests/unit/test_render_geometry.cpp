#include <doctest/doctest.h>

#include "render/geometry.hpp"

using namespace prerender::render;
using prerender::presets::Fit;
using prerender::presets::Gravity;

TEST_CASE("cover fills the box exactly and crops the overflow") {
  const ResizePlan p = plan_resize({4000, 3000}, 1600, 900, Fit::cover, false);
  CHECK(p.output == Size{1600, 900});
  CHECK(p.scaled == Size{1600, 1200});
  CHECK(p.crop.has_value());
}

TEST_CASE("contain fits inside the box and letterboxes by embedding") {
  const ResizePlan p = plan_resize({4000, 3000}, 1600, 900, Fit::contain, false);
  CHECK(p.output == Size{1600, 900});
  CHECK(p.scaled == Size{1200, 900});
  REQUIRE(p.embed.has_value());
  CHECK(p.embed->left == 200);
}

TEST_CASE("fill stretches to the box while inside and outside keep the aspect ratio") {
  CHECK(plan_resize({4000, 3000}, 1600, 900, Fit::fill, false).output == Size{1600, 900});
  CHECK(plan_resize({4000, 3000}, 1600, 900, Fit::inside, false).output == Size{1200, 900});
  CHECK(plan_resize({4000, 3000}, 1600, 900, Fit::outside, false).output == Size{1600, 1200});
}

TEST_CASE("one side given follows the source's aspect ratio") {
  CHECK(plan_resize({4000, 3000}, 800, std::nullopt, Fit::cover, false).output == Size{800, 600});
  CHECK(plan_resize({4000, 3000}, std::nullopt, 300, Fit::cover, false).output == Size{400, 300});
  CHECK(plan_resize({4000, 3000}, std::nullopt, std::nullopt, Fit::cover, false).output == Size{4000, 3000});
}

TEST_CASE("cover never upscales when enlarge is false: the box shrinks, its aspect ratio kept") {
  const ResizePlan p = plan_resize({400, 300}, 1600, 900, Fit::cover, false);
  CHECK(p.output == Size{400, 225});
  CHECK(p.scale_x == doctest::Approx(1.0));
  CHECK(plan_resize({400, 300}, 1600, 900, Fit::inside, false).output == Size{400, 300});
  CHECK(plan_resize({400, 300}, 800, std::nullopt, Fit::cover, false).output == Size{400, 300});
  CHECK(plan_resize({400, 300}, 800, std::nullopt, Fit::cover, true).output == Size{800, 600});
  CHECK(plan_resize({400, 300}, 1600, 900, Fit::cover, true).output == Size{1600, 900});
}

TEST_CASE("extreme aspect ratios and 1x1 sources keep every side at least one pixel") {
  CHECK(plan_resize({798, 20}, 30, std::nullopt, Fit::cover, false).output == Size{30, 1});
  CHECK(plan_resize({1, 1}, 100, 100, Fit::cover, false).output == Size{1, 1});
  CHECK(plan_resize({1, 1}, 100, 50, Fit::contain, true).output == Size{100, 50});
  CHECK(plan_resize({16, 17000}, 100, 100, Fit::cover, false).output == Size{16, 16});
}

TEST_CASE("compass gravity and a focal point place the crop") {
  CHECK(place({1600, 1200}, {1600, 900}, Gravity::north).top == 0);
  CHECK(place({1600, 1200}, {1600, 900}, Gravity::south).top == 300);
  CHECK(place({1600, 1200}, {1600, 900}, Gravity::centre).top == 150);
  CHECK(place({1600, 1200}, {1600, 900}, Gravity::focus, std::pair{0.5, 0.1}).top == 0);
  CHECK(place({1600, 1200}, {1600, 900}, Gravity::focus, std::pair{0.5, 0.6}).top == 270);
  CHECK(place({2000, 1000}, {1000, 1000}, Gravity::focus, std::pair{0.9, 0.5}).left == 1000);
}

TEST_CASE("an aspect pre-crop takes the largest box of that ratio") {
  const Box b = aspect_crop({4000, 3000}, 16.0 / 9.0, Gravity::centre);
  CHECK(b.width == 4000);
  CHECK(b.height == 2250);
  CHECK(b.top == 375);
}

TEST_CASE("a window follows its image through crops, quarter turns and mirrors") {
  // 1918 decoded rows standing for 1918.5: the source runs half a row past the bottom edge.
  const Window w{0, 0, 1280, 1918.5};
  const Size size{1280, 1918};
  CHECK(Window::whole(size).is_whole(size));
  CHECK_FALSE(w.is_whole(size));
  // A crop keeps the window's edge where it reaches the image's edge, and its own edge elsewhere.
  CHECK(cropped(w, {100, 1000, 200, 918}, size) == Window{0, 0, 200, 918.5});
  CHECK(cropped(w, {100, 0, 200, 918}, size) == Window{0, 0, 200, 918});
  CHECK(cropped(w, {0, 0, 1280, 1918}, size) == w);
  // Turned clockwise a quarter, the bottom edge is on the left.
  CHECK(turned(w, size, 90, false) == Window{-0.5, 0, 1918.5, 1280});
  CHECK(turned(w, size, 180, false) == Window{0, -0.5, 1280, 1918.5});
  CHECK(turned(w, size, 270, false) == Window{0, 0, 1918.5, 1280});
  CHECK(turned(w, size, 0, false, true) == Window{0, -0.5, 1280, 1918.5});
  CHECK(turned(w, size, 0, true) == w);
  CHECK(turned(w, size, 90, true) == Window{0, 0, 1918.5, 1280});
  // Turning back undoes it.
  CHECK(turned(turned(w, size, 90, false), {1918, 1280}, 270, false) == w);
}

TEST_CASE("EXIF orientations map to the rotations and mirrors that undo them") {
  CHECK(upright_of(1).angle == 0);
  CHECK_FALSE(upright_of(1).flop);
  CHECK(upright_of(6).angle == 90);
  CHECK(upright_of(8).angle == 270);
  CHECK(upright_of(3).angle == 180);
  CHECK(upright_of(5).flop);
  CHECK(upright_of(7).flop);
  CHECK_FALSE(upright_of(6).flop);
}
