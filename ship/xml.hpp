// SPDX-License-Identifier: MIT
#pragma once
// Just enough XML for S3's answers (error bodies, multipart listings), which are flat
// and small: the text of each <tag>...</tag> in order, entities decoded. Not a
// general parser, and not meant to be one.
#include <string>
#include <string_view>
#include <vector>

namespace recssh::ship {

// Every element named `tag` (without attributes or with), inner text as written.
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
// The decoded text of the first `tag`, or "".
std::string xml_text(std::string_view xml, std::string_view tag);
// &amp; &lt; &gt; &quot; &apos; and numeric references.
std::string xml_decode(std::string_view text);
// The reverse, for the bodies we send.
std::string xml_escape(std::string_view text);

} // namespace recssh::ship
