// The worked examples of the contract (section 9), verbatim, for the checks tests.
export const CAMPAIGN = `// Cheap previews, a person picks a direction, full quality only for it,
// a human review, and 4K upscaling only for approved images.
flow campaign_portraits {
  input shots: image[50] expect 40          // up to 50 source photos per run
  input style: image stable                 // one style reference, rarely changes

  budget {
    cap 900 credits                         // the run pauses here and notifies the owner
    alert 75%                               // crossing 675 credits flags the run
  }

  model face_v1      { rate 0.1 credits per item }
  model flux_schnell { rate 1 credit per megapixel }
  model flux_pro     { rate 4 credits per megapixel }
  model esrgan       { rate 0.5 credits per megapixel }
  model captioner    { rate 0.02 credits per item  overhead 1 credit per call }

  node style_ref = style_extract(style) {
    cost 3 credits
    cache ttl 48h
  }

  node faces = face_detect(shots) { model face_v1 }

  gate face_ok = faces.confidence >= 0.8 {
    expect pass 85%
    else discard
  }

  node previews = generate(face_ok, style: style_ref) {
    model flux_schnell
    resolution 512x512
    variants 4
  }

  select direction = previews by human

  node full = generate(direction, style: style_ref) {
    model flux_pro
    resolution 1024x1024
    retry 1
    param prompt = "studio portrait, soft light"
  }

  review approved = full by human {
    expect approve 30%
  }

  node final = upscale(approved) {
    model esrgan
    resolution 4096x4096
  }

  node captions = caption(final) {
    model captioner
    batch 25
  }

  output final, captions
}
`;

export const SHARP_DRAFTS = `flow sharp_drafts {
  input prompts: text[20]
  model flux_pro { rate 4 credits per megapixel }
  node draft = generate(prompts) {
    model flux_pro
    resolution 1024x1024
  }
  node qc = quality_check(draft) { cost 0.05 credits }
  gate sharp = qc.sharpness >= 0.6 {
    expect pass 70%
    else retry draft up to 2
  }
  output sharp
}
`;

export const SPLIT_BATCHES = `flow split_batches {
  input docs: text[50]
  model tagger { rate 0 credits per item  overhead 10 credits per call }
  node check = quality_check(docs) { cost 0.1 credits }
  gate good = check.legibility >= 0.5 { expect pass 90% }
  node tag_good = tag(good) { model tagger  batch 25 }
  node tag_bad = tag(good.rejected) { model tagger  batch 25 }
  output tag_good, tag_bad
}
`;

export const PRODUCT_CLIPS = `flow product_clips {
  input products: image[10]
  model kling { rate 1.5 credits per megapixel per second }
  model flux_schnell { rate 1 credit per megapixel }
  node keyframe = generate(products) { model flux_schnell  resolution 1280x720 }
  review ok = keyframe by human { expect approve 50% }
  node clip = video(ok) { model kling  resolution 1280x720  duration 5s  retry 2  expect fail 10% }
  output clip
}
`;
