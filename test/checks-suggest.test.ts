// "Did you mean …?": edit distance and the choice of a close name.
import { describe, expect, it } from "vitest";
import { closest, didYouMean, editDistance } from "../compiler/suggest";

describe("editDistance", () => {
  it.each([
    ["face", "faces", 1],
    ["faces", "face", 1],
    ["confidance", "confidence", 1],
    ["geenrate", "generate", 1],
    ["flux_por", "flux_pro", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
    ["same", "same", 0],
  ])("%s → %s is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe("closest", () => {
  it("picks the nearest name, alphabetically among equals", () => {
    expect(closest("face", ["fade", "faces", "shots"])).toBe("faces");
    expect(closest("facez", ["faces", "face_ok"])).toBe("faces");
    expect(closest("stepz", ["steps", "seed", "prompt"])).toBe("steps");
  });

  it("demands a real resemblance from short names and never suggests the name itself", () => {
    expect(closest("qa", ["qc"])).toBe("qc");
    expect(closest("ab", ["xy"])).toBeUndefined();
    expect(closest("abc", ["xyz"])).toBeUndefined();
    expect(closest("previewz", ["direction"])).toBeUndefined();
    expect(closest("faces", ["faces"])).toBeUndefined();
  });

  it("formats the hint", () => {
    expect(didYouMean("shot", ["shots"])).toBe(" (did you mean 'shots'?)");
    expect(didYouMean("zzz", ["shots"])).toBe("");
  });
});
