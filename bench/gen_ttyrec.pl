#!/usr/bin/perl
# gen_ttyrec.pl OUT FRAMES [SEED] [variant]: a ttyrec of FRAMES frames of terminal-like
# UTF-8 text (colours, accents, CJK, emoji) cut at arbitrary byte boundaries, so
# characters are split across frames. Writes OUT.payload (the concatenated payload)
# and OUT.last (the last frame's time minus the first, in microseconds) next to it.
# variant "ttyrec2" writes the 13-byte headers (with a channel byte) of NLE instead.
use strict;
use warnings;
my ($out, $frames, $seed, $variant) = @ARGV;
srand($seed // 1);
my @words = ("ls -la", "\e[1;32mok\e[0m", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80",
             "\r\n", "total 42", "\e[2J\e[H", "line", "\t", "\"quoted\"", "back\\slash");
my $text = "";
$text .= $words[int(rand(@words))] . " " while length($text) < $frames * 201;
open(my $f, '>:raw', $out) or die "$out: $!";
open(my $p, '>:raw', "$out.payload") or die;
my ($sec, $usec, $pos) = (1700000000, 0, 0);
my ($first, $last);
for my $i (1 .. $frames) {
  my $len = 1 + int(rand(200));
  $len = length($text) - $pos if $pos + $len > length($text);
  my $chunk = substr($text, $pos, $len);
  $pos += $len;
  $usec += int(rand(300000));
  while ($usec >= 1000000) { $usec -= 1000000; $sec++; }
  my $t = $sec * 1000000 + $usec;
  $first //= $t;
  $last = $t;
  print $f pack("VVV", $sec, $usec, length($chunk));
  print $f pack("C", 0) if ($variant // "") eq "ttyrec2";
  print $f $chunk;
  print $p $chunk;
  last if $pos >= length($text);
}
close($f);
close($p);
open(my $l, '>', "$out.last") or die;
print $l ($last - $first), "\n";
close($l);
