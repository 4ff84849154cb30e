package com.merchantsupport.keycloak.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FlowSettingsTest {

    @Test
    void anAdminsTypoFallsBackToTheDefaultAndOutOfRangeValuesAreClamped() {
        Map<String, String> values = new HashMap<>();
        values.put("typo", "ten");
        values.put("big", "999999999");
        values.put("small", "0");
        values.put("blank", " ");
        FlowSettings settings = FlowSettings.of(values);

        assertEquals(5, settings.getInt("typo", 5, 1, 100));
        assertEquals(100, settings.getInt("big", 5, 1, 100));
        assertEquals(1, settings.getInt("small", 5, 1, 100));
        assertEquals(5, settings.getInt("blank", 5, 1, 100));
        assertEquals(5, settings.getInt("missing", 5, 1, 100));
        assertEquals("reveal", FlowSettings.of((Map<String, String>) null).get("mode", "reveal"));
    }

    @Test
    void decimalsAreClampedAndNotANumberIsTheDefault() {
        FlowSettings settings = FlowSettings.of(Map.of("score", "0.7", "high", "7", "nan", "NaN", "typo", "0,7"));

        assertEquals(0.7, settings.getDouble("score", 0.5, 0.0, 1.0));
        assertEquals(1.0, settings.getDouble("high", 0.5, 0.0, 1.0));
        assertEquals(0.5, settings.getDouble("nan", 0.5, 0.0, 1.0));
        assertEquals(0.5, settings.getDouble("typo", 0.5, 0.0, 1.0));
        assertEquals(0.5, settings.getDouble("missing", 0.5, 0.0, 1.0));
    }
}
