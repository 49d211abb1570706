// SPDX-License-Identifier: MIT
#pragma once
// What was typed, a line per Enter, with the line editor's edits resolved as far as
// the keys tell them: backspace (DEL or BS), Ctrl-U (to the start), Ctrl-W (the word
// before the cursor), Ctrl-K (to the end), Ctrl-A/Home, Ctrl-E/End, and the left and
// right arrows within the line. Keys whose effect only the remote knows (Tab
// completion, the history under Up and Down) leave the line as typed so far.
#include <functional>
#include <string>
#include <string_view>

namespace recssh::search {

class TypedLines {
public:
  using Emit = std::function<void(std::string_view line)>;
  void feed(std::string_view keys, const Emit& emit);
  void finish(const Emit& emit);

private:
  void insert(std::string_view ch);
  std::string m_line;
  std::size_t m_cursor = 0; // byte offset, at a character boundary
  enum class St { text, esc, csi, ss3 } m_st = St::text;
  std::string m_params;
  std::string m_char; // a UTF-8 character under way
};

} // namespace recssh::search
