# Orders version pairs with RubyGems' Gem::Version, for Palisade's
# differential tests: reads "A<TAB>B" lines, writes -1, 0, 1 or "error".
$stdout.sync = false
out = []
$stdin.each_line do |line|
  a, b = line.chomp("\n").split("\t", 2)
  begin
    out << (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s
  rescue ArgumentError
    out << "error"
  end
end
print out.join("\n")
print "\n" unless out.empty?
